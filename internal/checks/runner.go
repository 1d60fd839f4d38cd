package checks

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/asr-preflight/asr-preflight/internal/derive"
	"github.com/asr-preflight/asr-preflight/internal/inventory"
)

// Options tune a run of checks.
type Options struct {
	Concurrency  int           // checks running at once; < 1 means 1
	CheckTimeout time.Duration // per check; 0 means no limit beyond ctx
	Skip         []string      // check IDs reported as skip without running
	Ignore       []string      // check IDs whose fail and error results become warn
}

// Run evaluates the checks on the snapshot concurrently and returns their results sorted by
// (check, target). It never fails: a check that cannot be evaluated — a missing source, a timeout,
// a panic — yields an error result, and no check stops the others.
func Run(ctx context.Context, cs []Check, s *Input, o Options) []Result {
	var (
		mu  sync.Mutex
		out []Result
	)
	var g errgroup.Group
	g.SetLimit(max(o.Concurrency, 1))
	for _, c := range cs {
		g.Go(func() error {
			rs := runOne(ctx, c, s, o)
			mu.Lock()
			out = append(out, rs...)
			mu.Unlock()
			return nil
		})
	}
	_ = g.Wait() // the goroutines never return errors
	slices.SortStableFunc(out, func(a, b Result) int {
		return cmp.Or(strings.Compare(a.Check, b.Check), strings.Compare(a.Target, b.Target))
	})
	return out
}

// runOne runs one check and fills in the catalog fields of its results.
func runOne(ctx context.Context, c Check, s *Input, o Options) []Result {
	info := c.Info()
	var rs []Result
	if slices.Contains(o.Skip, info.ID) {
		rs = []Result{{Target: "-", Status: Skip, Message: "skipped by --skip"}}
	} else if r := sourceState(info, s); r != nil {
		rs = []Result{*r}
	} else {
		rs = guard(ctx, c, s, o.CheckTimeout)
	}
	for i := range rs {
		r := &rs[i]
		r.Check, r.Title = info.ID, info.Title
		switch {
		case r.Kind != "":
		case r.Target == "-":
			r.Kind = CheckKind
		default:
			r.Kind = info.Kind
		}
		if r.Status == Fail || r.Status == Warn {
			modernized := concernsModernized(s, *r)
			fix, doc := info.Fix, info.DocFor(modernized)
			if e, ok := Codes[r.Code]; ok {
				a := e.For(modernized)
				fix, doc = a.Fix, a.DocURL
			}
			r.Fix = cmp.Or(r.Fix, fix)
			r.DocURL = cmp.Or(r.DocURL, doc)
		}
		if slices.Contains(o.Ignore, info.ID) && (r.Status == Fail || r.Status == Error) {
			r.Message = fmt.Sprintf("ignored by --ignore (was %s): %s", r.Status, r.Message)
			if r.Short != "" {
				r.Short = "ignored: " + r.Short
			}
			r.Status, r.Ignored = Warn, true
		}
	}
	return rs
}

// concernsModernized reports whether every plan VM a result concerns is modernized — the VMs it
// names, else those of the VM, datastore or host it is about — or it is about an appliance: its
// code's fix and documentation are then the modernized ones.
func concernsModernized(s *Input, r Result) bool {
	if r.Kind == ApplianceKind {
		return true
	}
	if s.Facts == nil {
		return false
	}
	names := r.VMs
	if len(names) == 0 {
		var groups []derive.Group
		switch r.Kind {
		case VMKind:
			names = []string{r.Target}
		case DatastoreKind:
			groups = s.Facts.Datastores
		case HostKind: // the hosts it runs on, and its original's
			for _, vm := range s.Facts.VMs {
				if slices.Contains(vm.Hosts(), r.Target) {
					names = append(names, vm.Name)
				}
			}
		}
		for _, g := range groups {
			if g.Name == r.Target {
				for _, vm := range g.VMs {
					names = append(names, vm.Name)
				}
			}
		}
	}
	for _, name := range names {
		if vm := s.Facts.VM(name); vm == nil || !vm.Modernized {
			return false
		}
	}
	return len(names) > 0
}

const sourceFix = "Fix the connection named in the message (address, network path, credentials, certificate trust) and run again."

// sourceState returns the result a check gets without running when a part it needs is not asked
// for (skip, with the reason) or could not be collected (error, with the reason); nil when all
// are there. A part's source is looked at before the part: vCenter down explains missing details.
func sourceState(info Info, s *Input) *Result {
	for _, p := range info.Needs {
		if why := s.Parts[p].NotConfigured; why != "" {
			return &Result{Target: "-", Status: Skip, Message: why}
		}
	}
	for _, p := range info.Needs {
		root, _, _ := strings.Cut(string(p), "/")
		for _, part := range []inventory.Part{inventory.Part(root), p} {
			switch st, asked := s.Parts[part]; {
			case st.Error != "":
				return &Result{Target: root, Kind: Kind(root), Status: Error, Message: st.Error, Fix: sourceFix}
			case !st.Collected && (asked || part == p):
				return &Result{Target: root, Kind: Kind(root), Status: Error, Message: fmt.Sprintf("%s was not collected", part), Fix: sourceFix}
			}
		}
	}
	return nil
}

// guard runs the check with a timeout, turning a panic or a timeout into an error result.
func guard(ctx context.Context, c Check, s *Input, timeout time.Duration) []Result {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, timeout, fmt.Errorf("check did not finish within %v", timeout))
		defer cancel()
	}
	done := make(chan []Result, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- []Result{{Target: "-", Status: Error,
					Message: fmt.Sprintf("check crashed: %v (a bug in asr-preflight; please report it)", p)}}
			}
		}()
		rs := c.Run(s)
		switch {
		case len(rs) == 0 && len(s.Facts.VMs) == 0: // a recovery plan whose items the vault could not give
			rs = []Result{{Target: "-", Status: Skip, Message: "the plan has no VM to check"}}
		case len(rs) == 0:
			rs = []Result{{Target: "-", Status: Error, Message: "check returned no result"}}
		}
		done <- rs
	}()
	select {
	case rs := <-done:
		return rs
	case <-ctx.Done():
		return []Result{{Target: "-", Status: Error, Message: context.Cause(ctx).Error()}}
	}
}
