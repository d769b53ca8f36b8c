// test/readme/radio_prelude.hpp: what the README's "Adding a family" block
// refers to and its prose describes (a family number, its socket object and
// its proto), so that the block compiles as written. examples/custom_family.cpp
// is the whole family.
#pragma once

#include <cstddef>

#include <ksock/core/sk_create.hpp>
#include <ksock/core/sk_release_ops.hpp>
#include <ksock/ksock.hpp>
#include <ksock/registry/ranged_lookup.hpp>

inline constexpr int pf_radio = 29;    //!< AF_CAN's number, free in this stack
inline constexpr int radio_nproto = 3; //!< protocols 0..2

//! The socket object: ksock::sock first, then the family's own state.
struct radio_sock {
    ksock::sock sk;
    int channel;
};
template <>
struct ksock::first_member<radio_sock> : first_member_is<&radio_sock::sk> {};

//! struct proto radio_prot.
struct radio_prot {
    static constexpr const char* name = "RADIO";
    using obj_type = radio_sock;
    static constexpr std::size_t obj_size = sizeof(radio_sock);
    template <class Ctx>
    static int init(Ctx&, ksock::sock&) {
        return 0;
    }
    template <class Ctx>
    static void close(Ctx& ctx, ksock::sock& sk, long) {
        ksock::sk_common_release<radio_prot>(ctx, sk);
    }
};
