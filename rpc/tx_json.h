// JSON shapes of the chain's objects, shared by several methods (get_block, get_transaction,
// get_account_history, get_registry_proof) and by tests. Every field is named; keys and hashes
// are lowercase hex, amounts atomic units (u64), account keys also as "sw1..." addresses.
//
// tx_to_json decodes every tx type in full (docs/rpc.md "get_transaction"):
//   every tx:  txid, type, version, chain_id, sender (hex), from (address), nonce, fee,
//              signature, size (encoded bytes)
//   transfer:        to, amount
//   register_node:   sn_pubkey, operator, fee_bps, reserved [{address, amount}], expiry_height,
//                    sn_signature, operator_amount, amount (= operator_amount)
//   stake:           sn_pubkey, amount
//   request_unlock:  sn_pubkey, amount (0)
//   uptime_proof:    sn_pubkey (= sender), time_ms, public_ip, storage_port, storage_lmq_port,
//                    quorumnet_port, storage_server_version [major, minor, patch]
//   evidence:        offender, votes [2 x {type, height, round, block_hash, validator, signature}]
//   state_change:    sn_pubkey, new_state, test_height, reason_bits, reasons [names], votes
//                    [{index, signature}]
//
// Thread-safety: pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "chain/account_event.h"
#include "chain/block.h"
#include "chain/tx.h"
#include "common/commit.h"

namespace swarmchain::rpc {

nlohmann::json tx_to_json(const Tx& tx);
nlohmann::json header_to_json(const BlockHeader& h);
nlohmann::json certificate_to_json(const CommitCertificate& c);
// {kind: "reward"|"stake_returned", account, amount, sn_pubkey, cause ("unlock"|
// "deregistration"; stake_returned only)}.
nlohmann::json account_event_to_json(const AccountEvent& e);

}  // namespace swarmchain::rpc
