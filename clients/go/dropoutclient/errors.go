package dropoutclient

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// FieldViolation names an invalid request field (e.g. "spec.layers[1].dropout.rate") and the rule.
type FieldViolation struct {
	Field       string
	Description string
}

// Error is a failed DropoutService call: the gRPC code, the message and the
// google.rpc.BadRequest field violations decoded from the grpc-status-details-bin trailer.
type Error struct {
	Code            codes.Code
	Message         string
	FieldViolations []FieldViolation
	// Details holds every decoded status detail (*errdetails.BadRequest, *errdetails.ErrorInfo, ...).
	Details []interface{}
	// Reason is the google.rpc.ErrorInfo reason, if any (UNAUTHENTICATED and PERMISSION_DENIED
	// carry one, e.g. "API_KEY_INVALID" or "ROLE_REQUIRED"); RequiredRole the role a
	// PERMISSION_DENIED call lacked.
	Reason       string
	RequiredRole string
	status       *status.Status
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", e.Code, e.Message)
	if len(e.FieldViolations) > 0 {
		b.WriteString(" [")
		for i, v := range e.FieldViolations {
			if i > 0 {
				b.WriteString("; ")
			}
			fmt.Fprintf(&b, "%s: %s", v.Field, v.Description)
		}
		b.WriteString("]")
	}
	return b.String()
}

// GRPCStatus lets status.FromError and status.Code see through the wrapper.
func (e *Error) GRPCStatus() *status.Status { return e.status }

// Violation returns the first violation whose field equals or ends with field.
func (e *Error) Violation(field string) (FieldViolation, bool) {
	for _, v := range e.FieldViolations {
		if v.Field == field || strings.HasSuffix(v.Field, "."+field) {
			return v, true
		}
	}
	return FieldViolation{}, false
}

// AsError returns err's *Error, if it is or wraps one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Code returns the gRPC code of err (codes.OK for nil, codes.Unknown for non-gRPC errors).
func Code(err error) codes.Code {
	if err == nil {
		return codes.OK
	}
	if e, ok := AsError(err); ok {
		return e.Code
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return codes.DeadlineExceeded
	}
	if errors.Is(err, context.Canceled) {
		return codes.Canceled
	}
	return status.Code(err)
}

// WrapError converts an error returned by a generated stub (Client.Models, ...) into *Error,
// decoding the status details; nil stays nil and non-gRPC errors are returned unchanged.
func WrapError(err error) error { return wrap(err) }

// wrap converts a gRPC error into *Error; nil stays nil.
func wrap(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	e := &Error{Code: st.Code(), Message: st.Message(), status: st}
	for _, d := range st.Details() {
		e.Details = append(e.Details, d)
		if info, ok := d.(*errdetails.ErrorInfo); ok {
			e.Reason = info.GetReason()
			e.RequiredRole = info.GetMetadata()["required_role"]
		}
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				e.FieldViolations = append(e.FieldViolations, FieldViolation{Field: v.GetField(), Description: v.GetDescription()})
			}
		}
	}
	return e
}
