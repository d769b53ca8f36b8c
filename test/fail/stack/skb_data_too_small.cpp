// An skb of fewer than 64 data bytes could not hold the headers of one
// datagram.
// EXPECT: ksock::stack<Config>: at least one skb of at least 64 data bytes is required
#include <ksock/stack.hpp>

#include "support/toy_family.hpp"

struct cfg : ksock_test::toy_config {
    static constexpr std::size_t skb_data_size = 63;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
