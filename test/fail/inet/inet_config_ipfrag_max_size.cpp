// Every host must reassemble datagrams of 576 bytes (RFC 791).
// EXPECT: ksock::inet: Config::ipfrag_max_size must be from 576
#include <ksock/default_config.hpp>

struct cfg : ksock::default_config {
    static constexpr std::size_t ipfrag_max_size = 500;
};
constexpr auto n = sizeof(ksock::stack<cfg>);
