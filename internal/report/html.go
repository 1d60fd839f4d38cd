package report

import (
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"html/template"
	"io"
	"time"

	"github.com/asr-preflight/asr-preflight/internal/result"
)

//go:embed html
var htmlFiles embed.FS

// page is the HTML report's template, with its style sheet and script inlined: one file that opens
// anywhere (an e-mail attachment, a change ticket) with nothing to fetch.
var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"affects":  func(p result.Problem) string { return affects(p, true) },
	"waivedBy": func(w *result.Waived) string { return waivedBy(*w) },
}).ParseFS(htmlFiles, "html/report.html.tmpl"))

var (
	style  = mustRead("html/style.css")
	script = mustRead("html/script.js")
	// policy lets the page run its own style sheet and script, and load nothing at all.
	policy = "default-src 'none'; style-src '" + digest(style) + "'; script-src '" + digest(script) + "'; base-uri 'none'; form-action 'none'"
)

func mustRead(name string) string {
	b, err := htmlFiles.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot happen
	}
	return string(b)
}

// digest is a Content-Security-Policy source for an inline block.
func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// htmlView is what the template renders.
type htmlView struct {
	Report
	Counts     string // "4 VMs: 1 blocked, …"
	Statuses   string // "1 pass, 1 warn, …"
	Started    string
	Tally      []verdictCount // the verdicts in report order, for the counts and the filters
	Rows       []row          // every VM, blocked first
	Plans      []planSection  // the recovery plans, when any: the VMs by plan and group instead
	Advices    []advice       // --suggest
	PlanCounts string         // "2 recovery plans: 1 blocked, 1 ready"
	Groups     []group
	Policy     string
	Style      template.CSS
	Script     template.JS
}

type verdictCount struct {
	Verdict result.Verdict
	Count   int
}

// writeHTML renders the self-contained HTML report; html/template escapes whatever came from
// vCenter or Azure.
func writeHTML(w io.Writer, r Report) error {
	v := htmlView{
		Report:     r,
		Counts:     vmCounts(r.Summary.VMs),
		Statuses:   statusCounts(r.Summary),
		Started:    r.StartedAt.Format(time.RFC3339),
		Rows:       verdictTable(r, true).Rows,
		Groups:     groups(r.Problems),
		Plans:      planSections(r, true),
		Advices:    advices(r),
		PlanCounts: planCounts(r.Summary),
		Policy:     policy,
		Style:      template.CSS(style),
		Script:     template.JS(script),
	}
	for _, vd := range result.Verdicts {
		v.Tally = append(v.Tally, verdictCount{vd, r.Summary.VMs.Count(vd)})
	}
	return page.Execute(w, v)
}
