package engine

import (
	"sync/atomic"

	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// quietLogger drops the SDK's logging during readiness probes.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}

// SDKLogger adapts zap to the Temporal SDK's logger interface.
func SDKLogger(l *zap.Logger) log.Logger { return sdkLogger{l.Sugar()} }

type sdkLogger struct{ s *zap.SugaredLogger }

func (l sdkLogger) Debug(msg string, kv ...any) { l.s.Debugw(msg, kv...) }
func (l sdkLogger) Info(msg string, kv ...any)  { l.s.Infow(msg, kv...) }
func (l sdkLogger) Warn(msg string, kv ...any)  { l.s.Warnw(msg, kv...) }
func (l sdkLogger) Error(msg string, kv ...any) { l.s.Errorw(msg, kv...) }

// The embedded server's phases, for its log: while it warms up and while
// it stops, its services report each other missing (Frontend is not
// healthy yet, Not enough hosts, pollers cut off); that is how it starts
// and stops, not a fault.
const (
	phaseStarting int32 = iota
	phaseRunning
	phaseStopping
)

// serverLog is the zap logger the Temporal server writes to. Its own debug
// and info lines go to zhucun's log at debug level; its warnings and
// errors keep their level while it runs, and go to debug level while it
// warms up or stops. A start that fails says why in its error; zhucun's
// own lines say when it is up and when it stops.
func serverLog(base *zap.Logger, phase *atomic.Int32) *zap.Logger {
	return Phased(base, func() bool { return phase.Load() != phaseRunning })
}

// Phased is base for a part whose own chatter belongs at debug level (the
// Temporal server, the SDK): its debug and info lines go to debug level,
// and so do its warnings and errors while quiet() holds (it is starting
// or stopping, and complaints about peers going away are expected).
func Phased(base *zap.Logger, quiet func() bool) *zap.Logger {
	return base.WithOptions(zap.WrapCore(func(c zapcore.Core) zapcore.Core {
		return &phasedCore{Core: c, quiet: quiet}
	}))
}

// phasedCore rewrites the level of each entry before the entry is
// checked, so a demoted entry carries no stack trace either.
type phasedCore struct {
	zapcore.Core
	quiet func() bool
}

func (c *phasedCore) level(l zapcore.Level) zapcore.Level {
	switch {
	case l < zapcore.WarnLevel:
		return zapcore.DebugLevel
	case l <= zapcore.ErrorLevel && c.quiet():
		return zapcore.DebugLevel
	}
	return l
}

func (c *phasedCore) Enabled(l zapcore.Level) bool { return c.Core.Enabled(c.level(l)) }

func (c *phasedCore) With(fs []zapcore.Field) zapcore.Core {
	return &phasedCore{Core: c.Core.With(fs), quiet: c.quiet}
}

func (c *phasedCore) Check(e zapcore.Entry, ce *zapcore.CheckedEntry) *zapcore.CheckedEntry {
	e.Level = c.level(e.Level)
	return c.Core.Check(e, ce)
}
