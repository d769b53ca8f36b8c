// A neighbour table of no entry: nothing could ever be resolved.
// EXPECT: ksock::inet: Config::neigh_entries, fib_entries, inet_addrs and ipfrag_queues must be at least 1
#include <ksock/default_config.hpp>

struct cfg : ksock::default_config {
    static constexpr std::size_t neigh_entries = 0;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
