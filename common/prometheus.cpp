#include "common/prometheus.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <system_error>
#include <utility>

namespace swarmchain::prom {
namespace {

[[maybe_unused]] bool valid_name(std::string_view n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && (i == 0 || c < '0' || c > '9')) return false;
  }
  return true;
}

std::string escape_help(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

uint64_t HistogramSnapshot::count() const {
  uint64_t n = 0;
  for (uint64_t c : counts) n += c;
  return n;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1)) {
  assert(!bounds_.empty() && std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::observe(double value) {
  // The first bound >= value: Prometheus buckets are "less than or equal".
  const auto it = std::lower_bound(bounds_.begin(), bounds_.end(), value);
  const auto i = static_cast<std::size_t>(it - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

HistogramSnapshot Histogram::snapshot() const {
  HistogramSnapshot s;
  s.bounds = bounds_;
  s.counts.resize(bounds_.size() + 1);
  for (std::size_t i = 0; i <= bounds_.size(); ++i)
    s.counts[i] = counts_[i].load(std::memory_order_relaxed);
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // Integers (the common case: heights, counts) exactly, without an exponent.
  if (v == std::trunc(v) && std::fabs(v) < 9007199254740992.0)  // 2^53
    return std::to_string(static_cast<int64_t>(v));
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general);
  assert(ec == std::errc());
  return std::string(buf, end);
}

std::string escape_label_value(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

TextWriter::Family& TextWriter::family(std::string_view name, std::string_view type,
                                       std::string_view help) {
  assert(valid_name(name) && "metric names are ours: [a-zA-Z_:][a-zA-Z0-9_:]*");
  if (auto it = index_.find(name); it != index_.end()) {
    Family& f = families_[it->second];
    assert(f.type == type && "a metric family has one type");
    return f;
  }
  index_.emplace(std::string(name), families_.size());
  families_.push_back(Family{std::string(name), std::string(type), escape_help(help), {}});
  return families_.back();
}

void TextWriter::append_sample(std::string& out, std::string_view name, Labels labels,
                               const Label* extra, std::string_view value) {
  out += name;
  if (labels.size() > 0 || extra != nullptr) {
    out += '{';
    bool first = true;
    auto add = [&](const Label& l) {
      assert(valid_name(l.name));
      if (!first) out += ',';
      first = false;
      out += l.name;
      out += "=\"";
      out += escape_label_value(l.value);
      out += '"';
    };
    for (const Label& l : labels) add(l);
    if (extra != nullptr) add(*extra);
    out += '}';
  }
  out += ' ';
  out += value;
  out += '\n';
}

void TextWriter::gauge(std::string_view name, std::string_view help, double value,
                       Labels labels) {
  append_sample(family(name, "gauge", help).samples, name, labels, nullptr, format_value(value));
}

void TextWriter::counter(std::string_view name, std::string_view help, uint64_t value,
                         Labels labels) {
  const std::string full = std::string(name) + "_total";
  append_sample(family(full, "counter", help).samples, full, labels, nullptr,
                std::to_string(value));
}

void TextWriter::histogram(std::string_view name, std::string_view help,
                           const HistogramSnapshot& h, Labels labels) {
  assert(h.counts.size() == h.bounds.size() + 1);
  std::string& out = family(name, "histogram", help).samples;
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (std::size_t i = 0; i < h.bounds.size(); ++i) {
    cumulative += h.counts[i];
    const std::string le = format_value(h.bounds[i]);
    const Label l{"le", le};
    append_sample(out, bucket, labels, &l, std::to_string(cumulative));
  }
  cumulative += h.counts.back();
  const Label inf{"le", "+Inf"};
  append_sample(out, bucket, labels, &inf, std::to_string(cumulative));
  append_sample(out, std::string(name) + "_sum", labels, nullptr, format_value(h.sum));
  append_sample(out, std::string(name) + "_count", labels, nullptr, std::to_string(cumulative));
}

std::string TextWriter::text() const {
  std::string out;
  for (const Family& f : families_) {
    out += "# HELP " + f.name + " " + f.help + "\n";
    out += "# TYPE " + f.name + " " + f.type + "\n";
    out += f.samples;
  }
  return out;
}

}  // namespace swarmchain::prom
