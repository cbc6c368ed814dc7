// ChainState: everything a block changes, as of one height: the accounts (state_root) and the
// service-node registry (registry_root). The executor reads it; Blockchain owns and updates it.
//
// Thread-safety: none of its own; Blockchain guards it with its shared mutex.
#pragma once

#include "chain/account_state.h"
#include "chain/params.h"
#include "common/height.h"
#include "registry/registry_state.h"
#include "registry/staking_rules.h"

namespace swarmchain {

struct ChainState {
  Height height;  // the block this state is the result of
  AccountState accounts;
  RegistryState registry;
};

// The registry's view of the chain parameters.
RegistryParams registry_params(const ChainParams& p);

}  // namespace swarmchain
