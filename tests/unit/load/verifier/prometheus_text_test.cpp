#include <gtest/gtest.h>

#include <cmath>

#include "verifier/prometheus_text.hpp"

namespace boxoffice::load {
namespace {

TEST(PrometheusText, ParsesLabelsEscapesCommentsAndTimestamps) {
    const std::string text =
        "# HELP boxoffice_http_requests_total Requests by route.\n"
        "# TYPE boxoffice_http_requests_total counter\n"
        "boxoffice_http_requests_total{route=\"/v1/holds\",method=\"POST\",code=\"201\"} 4711\n"
        "boxoffice_http_requests_total{method=\"POST\",route=\"/v1/holds\",code=\"409\"} 12 1700000000000\n"
        "boxoffice_http_requests_total{route=\"/v1/orders/{id}/confirm-payment\",method=\"POST\",code=\"200\",} "
        "3.0\r\n"
        "weird{path=\"a\\\"b\\\\c\\nd\"} +Inf\n"
        "\n"
        "no_labels 1e3\n"
        "broken{route=\"x} 1\n";
    int bad = 0;
    const auto samples = parsePrometheusText(text, &bad);
    ASSERT_EQ(samples.size(), 5u);
    EXPECT_EQ(bad, 1);
    EXPECT_EQ(samples[0].labels.at("route"), "/v1/holds");
    EXPECT_DOUBLE_EQ(samples[1].value, 12);
    EXPECT_EQ(samples[2].labels.at("route"), "/v1/orders/{id}/confirm-payment");
    EXPECT_EQ(samples[3].labels.at("path"), "a\"b\\c\nd");
    EXPECT_TRUE(std::isinf(samples[3].value));
    EXPECT_DOUBLE_EQ(samples[4].value, 1000);

    EXPECT_DOUBLE_EQ(sumSamples(samples, "boxoffice_http_requests_total", {{"route", "/v1/holds"}}), 4723);
    EXPECT_DOUBLE_EQ(sumSamples(samples, "boxoffice_http_requests_total",
                                {{"route", "/v1/holds"}, {"method", "POST"}, {"code", "201"}}),
                     4711);
    EXPECT_DOUBLE_EQ(sumSamples(samples, "boxoffice_http_requests_total", {{"route", "/nope"}}), 0);
    EXPECT_TRUE(hasMetric(samples, "no_labels"));
    EXPECT_FALSE(hasMetric(samples, "boxoffice_holds_total"));
}

}  // namespace
}  // namespace boxoffice::load
