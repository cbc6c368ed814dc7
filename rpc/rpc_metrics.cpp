#include "rpc/rpc_metrics.h"

#include <algorithm>
#include <string_view>
#include <utility>

namespace swarmchain::rpc {
namespace {

constexpr std::string_view kOther = "other";

std::vector<double> latency_bounds() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};
}

}  // namespace

RpcMetrics::RpcMetrics(std::vector<std::string> methods)
    : methods_(std::move(methods)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>((methods_.size() + 1) * kSlots)),
      latency_(latency_bounds()) {
  std::sort(methods_.begin(), methods_.end());
  methods_.erase(std::unique(methods_.begin(), methods_.end()), methods_.end());
}

const char* RpcMetrics::slot_name(std::size_t s) {
  static constexpr const char* kNames[kSlots] = {
      "ok", "-32700", "-32600", "-32601", "-32602", "-32603", "-32000", "-32001", "error",
      "http_400", "http_401", "http_403", "http_405", "http_408", "http_413", "http_429",
      "http_431", "http_500", "http_503"};
  return kNames[s];
}

std::size_t RpcMetrics::slot_of_code(int error_code) {
  switch (error_code) {
    case 0: return kSlotOk;
    case kParseError: return kSlotParse;
    case kInvalidRequest: return kSlotInvalidRequest;
    case kMethodNotFound: return kSlotNotFound;
    case kInvalidParams: return kSlotInvalidParams;
    case kInternalError: return kSlotInternal;
    case kRejected: return kSlotRejected;
    case kAdminOnly: return kSlotAdminOnly;
    default: return kSlotOtherError;
  }
}

std::size_t RpcMetrics::method_index(const std::string* method) const {
  if (method == nullptr) return methods_.size();
  auto it = std::lower_bound(methods_.begin(), methods_.end(), *method);
  if (it == methods_.end() || *it != *method) return methods_.size();
  return static_cast<std::size_t>(it - methods_.begin());
}

void RpcMetrics::bump(std::size_t method, std::size_t slot, double seconds) {
  counts_[method * kSlots + slot].fetch_add(1, std::memory_order_relaxed);
  latency_.observe(seconds);
}

void RpcMetrics::record(const CallOutcome& outcome, double seconds) {
  bump(method_index(outcome.method), slot_of_code(outcome.error_code), seconds);
}

void RpcMetrics::record_http(int http_status, double seconds) {
  std::size_t slot = kSlotHttp500;
  switch (http_status) {
    case 400: slot = kSlotHttp400; break;
    case 401: slot = kSlotHttp401; break;
    case 403: slot = kSlotHttp403; break;
    case 405: slot = kSlotHttp405; break;
    case 408: slot = kSlotHttp408; break;
    case 413: slot = kSlotHttp413; break;
    case 429: slot = kSlotHttp429; break;
    case 431: slot = kSlotHttp431; break;
    case 503: slot = kSlotHttp503; break;
    default: break;
  }
  bump(methods_.size(), slot, seconds);
}

uint64_t RpcMetrics::count(std::string_view method, std::string_view status) const {
  std::size_t m = methods_.size();
  if (method != kOther) {
    auto it = std::lower_bound(methods_.begin(), methods_.end(), method);
    if (it == methods_.end() || *it != method) return 0;
    m = static_cast<std::size_t>(it - methods_.begin());
  }
  for (std::size_t s = 0; s < kSlots; ++s)
    if (status == slot_name(s)) return counts_[m * kSlots + s].load(std::memory_order_relaxed);
  return 0;
}

void RpcMetrics::render(prom::TextWriter& w) const {
  static constexpr std::string_view kHelp =
      "JSON-RPC requests served, by method (\"other\": a name not registered, or none) and "
      "status (\"ok\", the JSON-RPC error code, or http_<code> for a request refused before "
      "dispatch).";
  for (std::size_t m = 0; m <= methods_.size(); ++m) {
    const std::string_view name = m < methods_.size() ? std::string_view(methods_[m]) : kOther;
    for (std::size_t s = 0; s < kSlots; ++s) {
      const uint64_t n = counts_[m * kSlots + s].load(std::memory_order_relaxed);
      if (n == 0 && s != kSlotOk) continue;
      w.counter("swarmchain_rpc_requests", kHelp, n, {{"method", name}, {"status", slot_name(s)}});
    }
  }
  w.histogram("swarmchain_rpc_request_duration_seconds",
              "Time to serve a JSON-RPC request (body read, parse, handler), every method.",
              latency_.snapshot());
}

}  // namespace swarmchain::rpc
