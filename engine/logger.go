package engine

import (
	"go.temporal.io/sdk/log"
	"go.uber.org/zap"
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
