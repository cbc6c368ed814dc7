// RpcMetrics: what the RPC server served, for /metrics: JSON-RPC requests by method and status,
// and one latency histogram over all of them (the time from the request's headers being read to
// its answer being ready: body read, parse, handler).
//
// Bounded labels: `method` is one of the names registered on the Dispatcher when the metrics
// were made, or "other" (a name that is not registered, or a request without one: unparsable
// JSON, an invalid request, a refused body). `status` is "ok", the JSON-RPC error code
// ("-32602", "-32000", ...; codes outside the standard and swarmchain sets count as "error"),
// or "http_<status>" (400, 401, 403, 405, 408, 413, 429, 431, 500, 503) for a request refused
// before the dispatcher ran. So
// the label set is fixed at construction whatever clients send.
//
// Thread-safety: record() and render() from any thread, concurrently (relaxed atomics; a
// render during records may see some of them). record() allocates nothing.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/prometheus.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

class RpcMetrics {
 public:
  // The method label values: `methods` (Dispatcher::method_names()), then "other".
  explicit RpcMetrics(std::vector<std::string> methods);

  // One dispatched request: its outcome (Dispatcher::handle) and how long it took.
  void record(const CallOutcome& outcome, double seconds);
  // One request refused before dispatch with this HTTP status (a status not listed above counts
  // as 500).
  void record_http(int http_status, double seconds);

  // swarmchain_rpc_requests_total{method,status} (every method's "ok", and each other status
  // once it is non-zero) and swarmchain_rpc_request_duration_seconds.
  void render(prom::TextWriter& w) const;

  // The count of one (method, status) pair, for tests; method "other" for the rest.
  uint64_t count(std::string_view method, std::string_view status) const;

 private:
  enum Slot : std::size_t {
    kSlotOk, kSlotParse, kSlotInvalidRequest, kSlotNotFound, kSlotInvalidParams, kSlotInternal,
    kSlotRejected, kSlotAdminOnly, kSlotOtherError, kSlotHttp400, kSlotHttp401, kSlotHttp403,
    kSlotHttp405, kSlotHttp408, kSlotHttp413, kSlotHttp429, kSlotHttp431, kSlotHttp500,
    kSlotHttp503, kSlots
  };
  static const char* slot_name(std::size_t s);
  static std::size_t slot_of_code(int error_code);
  std::size_t method_index(const std::string* method) const;  // methods_.size(): "other"
  void bump(std::size_t method, std::size_t slot, double seconds);

  std::vector<std::string> methods_;  // ascending
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // (methods_.size() + 1) * kSlots
  prom::Histogram latency_;
};

}  // namespace swarmchain::rpc
