package checks

import (
	"fmt"
	"time"
)

// The heartbeat limits: fresh up to 15 minutes, late (a warning) up to an hour; beyond, the
// component is taken as down.
const (
	heartbeatFresh = 15 * time.Minute
	heartbeatDown  = time.Hour
)

// heartbeat judges a component's last heartbeat against the time of collection (the snapshot's,
// so that a replayed snapshot gives the same verdict), and says how old it is.
func heartbeat(s *Input, what string, last time.Time) (Status, string) {
	if last.IsZero() {
		return Fail, what + " has no heartbeat recorded"
	}
	age := s.CollectedAt.Sub(last)
	text := fmt.Sprintf("%s last sent a heartbeat %s ago", what, ago(age))
	switch {
	case age <= heartbeatFresh:
		return Pass, text
	case age <= heartbeatDown:
		return Warn, text + " (more than 15 minutes)"
	}
	return Fail, text + " (more than an hour: taken as down)"
}

// ago says a duration as an operator reads it: "40 s", "12 min", "3 h 5 min", "4 days".
func ago(d time.Duration) string {
	switch {
	case d < 0:
		return "0 s (after the collection started)"
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}
