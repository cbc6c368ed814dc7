// A chain store that could not be read, as the RPC answers it: the node's fault, never "not
// found" (a client would believe a confirmed transaction vanished): -32603 with the store's own
// message, which says the store is damaged. Also used where an index points to a record that
// must be there, so a kMissing here is damage too.
//
// Thread-safety: a pure function.
#pragma once

#include "chain/store.h"
#include "common/expected.h"
#include "rpc/json_rpc.h"

namespace swarmchain::rpc {

inline Unexpected<RpcError> store_failure(const Status& s) {
  if (s.code_as<StoreError>() == StoreError::kMissing)
    return unexpected(RpcError::internal("the node's chain store is damaged: an index points to a "
                                         "missing record (" + s.message() + ")"));
  return unexpected(RpcError::internal(s.message()));
}

}  // namespace swarmchain::rpc
