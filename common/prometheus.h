// Prometheus text exposition (format 0.0.4): a small writer for /metrics, and a lock-free
// histogram to feed it.
//
// TextWriter collects samples by family and renders each family once, in the order its first
// sample was written:
//   # HELP <name> <help>          (help: '\' -> "\\", newline -> "\n")
//   # TYPE <name> gauge|counter|histogram
//   <name>{<label>="<value>",...} <value>
// Label values are escaped ('\' -> "\\", '"' -> "\"", newline -> "\n"). A counter's samples and
// family are named <name>_total (counter("x", ...) writes x_total). A histogram writes
// <name>_bucket{...,le="<bound>"} cumulatively, then le="+Inf", <name>_sum and <name>_count
// (equal to the +Inf bucket). Values: integers as integers, others in the shortest form that
// reads back exactly, and +Inf / -Inf / NaN.
// Metric and label names are ours, not input: a name that is not [a-zA-Z_:][a-zA-Z0-9_:]* (or a
// family reused with another type) is a bug, asserted.
//
// Thread-safety: TextWriter has none (one per scrape). Histogram: observe() and snapshot() from
// any thread, lock-free; a snapshot taken during observes may count an observation in the
// buckets before its value reaches the sum, never the reverse order of bucket and count (the
// count is the buckets' total).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace swarmchain::prom {

struct Label {
  std::string_view name;
  std::string_view value;
};
using Labels = std::initializer_list<Label>;

// A histogram's state: counts[i] observations <= bounds[i] and > bounds[i-1]; counts.back()
// (one more than bounds) those above every bound.
struct HistogramSnapshot {
  std::vector<double> bounds;  // ascending
  std::vector<uint64_t> counts;
  double sum = 0;
  uint64_t count() const;
};

class Histogram {
 public:
  // REQUIRES: bounds ascending, finite, not empty.
  explicit Histogram(std::vector<double> bounds);
  void observe(double value);
  HistogramSnapshot snapshot() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;  // bounds_.size() + 1
  std::atomic<double> sum_{0};
};

// The text of a sample value (see the header comment).
std::string format_value(double v);
// A label value with '\', '"' and newline escaped.
std::string escape_label_value(std::string_view v);

class TextWriter {
 public:
  void gauge(std::string_view name, std::string_view help, double value, Labels labels = {});
  // Writes name_total.
  void counter(std::string_view name, std::string_view help, uint64_t value, Labels labels = {});
  void histogram(std::string_view name, std::string_view help, const HistogramSnapshot& h,
                 Labels labels = {});
  // Every family so far, in first-written order.
  std::string text() const;

 private:
  struct Family {
    std::string name;
    std::string type;
    std::string help;
    std::string samples;
  };
  // The family `name` (created with help and type on first use).
  Family& family(std::string_view name, std::string_view type, std::string_view help);
  static void append_sample(std::string& out, std::string_view name, Labels labels,
                            const Label* extra, std::string_view value);

  std::vector<Family> families_;
  std::map<std::string, std::size_t, std::less<>> index_;
};

}  // namespace swarmchain::prom
