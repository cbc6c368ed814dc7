// Initialises libsodium once per test binary, before any test runs.
#include <gtest/gtest.h>

#include "common/crypto.h"

namespace {

class CryptoEnvironment : public ::testing::Environment {
 public:
  void SetUp() override { ASSERT_TRUE(swarmchain::crypto_init()) << "libsodium failed to start"; }
};

[[maybe_unused]] ::testing::Environment* const kCryptoEnvironment =
    ::testing::AddGlobalTestEnvironment(new CryptoEnvironment);

}  // namespace
