package checks

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"
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
func Run(ctx context.Context, cs []Check, s *Snapshot, o Options) []Result {
	var (
		mu  sync.Mutex
		out []Result
	)
	g, ctx := errgroup.WithContext(ctx)
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
func runOne(ctx context.Context, c Check, s *Snapshot, o Options) []Result {
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
		if r.Status == Fail || r.Status == Warn {
			fix, doc := info.Fix, info.DocURL
			if e, ok := Codes[r.Code]; ok {
				fix, doc = e.Fix, e.DocURL
			}
			r.Fix = cmp.Or(r.Fix, fix)
			r.DocURL = cmp.Or(r.DocURL, doc)
		}
		if slices.Contains(o.Ignore, info.ID) && (r.Status == Fail || r.Status == Error) {
			r.Message = fmt.Sprintf("ignored by --ignore (was %s): %s", r.Status, r.Message)
			r.Status, r.Ignored = Warn, true
		}
	}
	return rs
}

const sourceFix = "Fix the connection named in the message (address, network path, credentials, certificate trust) and run again."

// sourceState returns the result a check gets without running when a source it needs is not
// configured by the plan (skip) or could not be collected (error); nil when all are there.
func sourceState(info Info, s *Snapshot) *Result {
	for _, src := range info.Needs {
		if why := s.NotConfigured[src]; why != "" {
			return &Result{Target: "-", Status: Skip, Message: why}
		}
	}
	for _, src := range info.Needs {
		if err := s.unavailable(src); err != nil {
			root, _, _ := strings.Cut(string(src), "/")
			return &Result{Target: root, Status: Error, Message: err.Error(), Fix: sourceFix}
		}
	}
	return nil
}

// unavailable says why a source, or an optional part of one ("vcenter/details"), is missing.
func (s *Snapshot) unavailable(src Source) error {
	root, part, isPart := strings.Cut(string(src), "/")
	if err := s.Errors[Source(root)]; err != nil {
		return err
	}
	var (
		name        string
		parts       []string
		unavailable map[string]string
		collected   bool
	)
	switch Source(root) {
	case Guest:
		if s.Guest == nil {
			return errors.New("the guest probe was not set up")
		}
		return nil
	case VCenter:
		name = "vCenter"
		if collected = s.VCenter != nil; collected {
			parts, unavailable = s.VCenter.Parts, s.VCenter.Unavailable
		}
	case Azure:
		name = "Azure"
		if collected = s.Azure != nil; collected {
			parts, unavailable = s.Azure.Parts, s.Azure.Unavailable
		}
	}
	switch {
	case !collected:
		return fmt.Errorf("%s inventory was not collected", name)
	case !isPart:
		return nil
	case unavailable[part] != "":
		return errors.New(unavailable[part])
	case !slices.Contains(parts, part):
		return fmt.Errorf("%s %s were not collected", name, part)
	}
	return nil
}

// guard runs the check with a timeout, turning a panic or a timeout into an error result.
func guard(ctx context.Context, c Check, s *Snapshot, timeout time.Duration) []Result {
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
		rs := c.Run(ctx, s)
		if len(rs) == 0 {
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
