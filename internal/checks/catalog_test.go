package checks

import (
	"slices"
	"strings"
	"testing"
)

// The codes domain.md lists; explain must know every one.
var domainCodes = []string{"95226", "78052", "78093", "8061", "8038", "806", "78022", "78174", "78186"}

func TestCatalogComplete(t *testing.T) {
	for _, code := range domainCodes {
		e, ok := Codes[code]
		if !ok {
			t.Errorf("ASR code %s missing from the catalog", code)
			continue
		}
		if e.Code != code || e.Title == "" || e.Cause == "" || e.Symptoms == "" || e.Fix == "" || !strings.HasPrefix(e.DocURL, "https://") {
			t.Errorf("ASR code %s lacks code, title, cause, symptoms, fix or doc link: %+v", code, e)
		}
	}
	if len(All()) == 0 {
		t.Fatal("no checks registered")
	}
	for _, c := range All() {
		i := c.Info()
		if i.ID == "" || i.Title == "" || i.Kind == "" || i.Cause == "" || i.Fix == "" || !strings.HasPrefix(i.DocURL, "https://") || len(i.Phases) == 0 {
			t.Errorf("check %q lacks ID, title, kind of target, cause, fix, doc link or phases: %+v", i.ID, i)
		}
		if _, ok := Codes[i.Code]; i.Code != "" && !ok {
			t.Errorf("check %s predicts ASR code %s, which the catalog does not know", i.ID, i.Code)
		}
	}
}

func TestRegisterDuplicatePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("registering a duplicate ID did not panic")
		}
	}()
	Register(NameCollision{})
}

func TestSelection(t *testing.T) {
	if err := Validate([]string{"vm.name-collision", "nope"}); err == nil || !strings.Contains(err.Error(), `unknown check "nope"; valid checks: `) ||
		!strings.Contains(err.Error(), "vm.name-collision") {
		t.Errorf("Validate: got %v", err)
	}
	var ids []string
	for _, c := range ForPhase(Failback, []string{"vm.name-collision"}) {
		ids = append(ids, c.Info().ID)
	}
	if !slices.Equal(ids, []string{"vm.name-collision"}) {
		t.Errorf("ForPhase with --only: got %v", ids)
	}
	if !Needs(ForPhase(Reprotect, nil), VCenter) || Needs(nil, VCenter) {
		t.Error("Needs")
	}
}
