package main

import (
	"os"
	"syscall"
	"time"
)

// exitWithParent makes the server stop gracefully (SIGTERM to itself) once the process that
// started it is gone, when OPSLEDGER_EXIT_WITH_PARENT=1. A test JVM that is killed, or that dies
// before its shutdown hook runs, then leaves no server behind: the orphan is re-parented (to init
// or a subreaper), so its parent pid changes. Polling getppid is used rather than
// PR_SET_PDEATHSIG, which fires when the parent *thread* exits and a JVM starts processes from
// short-lived test threads.
func exitWithParent() {
	if os.Getenv("OPSLEDGER_EXIT_WITH_PARENT") != "1" {
		return
	}
	parent := os.Getppid()
	go func() {
		for range time.Tick(500 * time.Millisecond) {
			if os.Getppid() != parent {
				_ = syscall.Kill(os.Getpid(), syscall.SIGTERM)
				// A second SIGTERM is ignored by some servers mid-shutdown; give it time, then go.
				time.Sleep(20 * time.Second)
				os.Exit(1)
			}
		}
	}()
}
