// Conversions between the wire schema (traceroute.capnp) and the project's value
// types. Both programs use these, so the two sides cannot drift apart.
#pragma once

#include "proto/traceroute.capnp.h"
#include "shared/common/error.hpp"
#include "shared/common/trace_params.hpp"
#include "shared/result/results.hpp"

namespace ddtr::proto {

void write_request(const TraceParams& params, wire::TraceRequest::Builder out);
TraceParams read_request(wire::TraceRequest::Reader in);

void write_results(const Results& results, wire::Results::Builder out);
Results read_results(wire::Results::Reader in);

wire::ErrorCode to_wire(ErrorCode code);
ErrorCode from_wire(wire::ErrorCode code);

}  // namespace ddtr::proto
