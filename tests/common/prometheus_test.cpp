// The Prometheus text writer against exact expected text (exposition format 0.0.4).
#include "common/prometheus.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

namespace swarmchain::prom {
namespace {

TEST(PrometheusText, GaugeWithoutLabelsHasHelpTypeAndValue) {
  TextWriter w;
  w.gauge("swarmchain_height", "Height of the tip.", 42);
  EXPECT_EQ(w.text(),
            "# HELP swarmchain_height Height of the tip.\n"
            "# TYPE swarmchain_height gauge\n"
            "swarmchain_height 42\n");
}

TEST(PrometheusText, CounterIsNamedTotalAndFamilyHeadersAppearOnce) {
  TextWriter w;
  w.counter("x_requests", "Requests.", 3, {{"method", "a"}, {"status", "ok"}});
  w.counter("x_requests", "Requests.", 1, {{"method", "b"}, {"status", "-32602"}});
  EXPECT_EQ(w.text(),
            "# HELP x_requests_total Requests.\n"
            "# TYPE x_requests_total counter\n"
            "x_requests_total{method=\"a\",status=\"ok\"} 3\n"
            "x_requests_total{method=\"b\",status=\"-32602\"} 1\n");
}

TEST(PrometheusText, SamplesOfAFamilyStayTogetherWhateverTheWriteOrder) {
  TextWriter w;
  w.gauge("a", "A.", 1, {{"k", "1"}});
  w.gauge("b", "B.", 2);
  w.gauge("a", "A.", 3, {{"k", "2"}});
  EXPECT_EQ(w.text(),
            "# HELP a A.\n# TYPE a gauge\na{k=\"1\"} 1\na{k=\"2\"} 3\n"
            "# HELP b B.\n# TYPE b gauge\nb 2\n");
}

TEST(PrometheusText, LabelValuesEscapeBackslashQuoteAndNewline) {
  EXPECT_EQ(escape_label_value("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  TextWriter w;
  w.gauge("g", "Line one\nback\\slash \"quoted\".", 1, {{"v", "x\"y\\z\n"}});
  EXPECT_EQ(w.text(),
            "# HELP g Line one\\nback\\\\slash \"quoted\".\n"
            "# TYPE g gauge\n"
            "g{v=\"x\\\"y\\\\z\\n\"} 1\n");
}

TEST(PrometheusText, ValuesAreIntegersShortestDecimalsOrInfNaN) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(-7), "-7");
  EXPECT_EQ(format_value(18446744073.0), "18446744073");
  EXPECT_EQ(format_value(0.5), "0.5");
  EXPECT_EQ(format_value(0.0005), "0.0005");
  EXPECT_EQ(format_value(2.25), "2.25");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(PrometheusText, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  Histogram h({0.5, 1, 2.5});
  for (double v : {0.25, 0.5, 0.75, 3.0, 2.5, 0.125}) h.observe(v);
  TextWriter w;
  w.histogram("lat_seconds", "Latency.", h.snapshot(), {{"m", "x"}});
  EXPECT_EQ(w.text(),
            "# HELP lat_seconds Latency.\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{m=\"x\",le=\"0.5\"} 3\n"
            "lat_seconds_bucket{m=\"x\",le=\"1\"} 4\n"
            "lat_seconds_bucket{m=\"x\",le=\"2.5\"} 5\n"
            "lat_seconds_bucket{m=\"x\",le=\"+Inf\"} 6\n"
            "lat_seconds_sum{m=\"x\"} 7.125\n"
            "lat_seconds_count{m=\"x\"} 6\n");
}

TEST(PrometheusText, EmptyHistogramHasZeroBucketsAndCount) {
  Histogram h({1});
  TextWriter w;
  w.histogram("h", "H.", h.snapshot());
  EXPECT_EQ(w.text(),
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n");
}

TEST(PrometheusHistogram, ConcurrentObservesAreAllCounted) {
  Histogram h({1, 2});
  constexpr int kThreads = 4, kEach = 10'000;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t)
    ts.emplace_back([&h, t] {
      for (int i = 0; i < kEach; ++i) h.observe(double(t % 3));
    });
  for (auto& t : ts) t.join();
  const HistogramSnapshot s = h.snapshot();
  EXPECT_EQ(s.count(), uint64_t(kThreads * kEach));
  // Values 0,1,2,0: two threads in le=1 with 0, one with 1 (also le=1), one with 2 (le=2).
  EXPECT_EQ(s.counts[0], uint64_t(3 * kEach));
  EXPECT_EQ(s.counts[1], uint64_t(kEach));
  EXPECT_EQ(s.counts[2], 0u);
  EXPECT_EQ(s.sum, double(3 * kEach));
}

}  // namespace
}  // namespace swarmchain::prom
