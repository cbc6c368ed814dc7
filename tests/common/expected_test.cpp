#include "common/expected.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace swarmchain {
namespace {

enum class TestError { kOk = 0, kFirst, kSecond };

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.is_ok());
  EXPECT_TRUE(static_cast<bool>(s));
  EXPECT_EQ(s.code(), 0);
  EXPECT_TRUE(s.message().empty());
}

TEST(Status, OkFactoryIsOk) { EXPECT_TRUE(Status::ok().is_ok()); }

TEST(Status, ErrorCarriesMessageAndDefaultCodeOne) {
  Status s = Status::error("disk full");
  EXPECT_FALSE(s.is_ok());
  EXPECT_FALSE(static_cast<bool>(s));
  EXPECT_EQ(s.code(), 1);
  EXPECT_EQ(s.message(), "disk full");
}

TEST(Status, ErrorCarriesAnIntegerCode) {
  Status s = Status::error("bad", 7);
  EXPECT_EQ(s.code(), 7);
}

TEST(Status, ErrorCarriesAnEnumCodeReadableBackAsTheEnum) {
  Status s = Status::error(TestError::kSecond, "second");
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), 2);
  EXPECT_EQ(s.code_as<TestError>(), TestError::kSecond);
  EXPECT_EQ(s.message(), "second");
}

Expected<int> half(int v) {
  if (v % 2 != 0) return fail(TestError::kFirst, "odd");
  return v / 2;
}

TEST(Expected, HoldsAValue) {
  auto e = half(8);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(static_cast<bool>(e));
  EXPECT_EQ(e.value(), 4);
  EXPECT_EQ(*e, 4);
}

TEST(Expected, HoldsAnErrorFromFail) {
  auto e = half(3);
  ASSERT_FALSE(e.has_value());
  EXPECT_FALSE(static_cast<bool>(e));
  EXPECT_EQ(e.error().code_as<TestError>(), TestError::kFirst);
  EXPECT_EQ(e.error().message(), "odd");
}

TEST(Expected, FailWithMessageOnlyUsesCodeOne) {
  Expected<int> e = fail("nope");
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), 1);
  EXPECT_EQ(e.error().message(), "nope");
}

TEST(Expected, UnexpectedWrapsAnExistingStatus) {
  Expected<std::string> e = unexpected(Status::error("wrapped", 5));
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error().code(), 5);
}

TEST(Expected, SupportsACustomErrorType) {
  Expected<int, TestError> e = unexpected(TestError::kSecond);
  ASSERT_FALSE(e.has_value());
  EXPECT_EQ(e.error(), TestError::kSecond);
}

TEST(Expected, ArrowAccessesMembersOfTheValue) {
  Expected<std::string> e = std::string("abc");
  EXPECT_EQ(e->size(), 3u);
  e->push_back('d');
  EXPECT_EQ(*e, "abcd");
}

TEST(Expected, MovesAMoveOnlyValueOut) {
  Expected<std::unique_ptr<int>> e = std::make_unique<int>(9);
  std::unique_ptr<int> p = std::move(e).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 9);
}

}  // namespace
}  // namespace swarmchain
