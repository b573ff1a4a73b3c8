package bench

import "syscall"

// childAttr makes serve die with the bench, even when the bench itself is
// killed: a benchmark must not leave a server running behind it.
func childAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
