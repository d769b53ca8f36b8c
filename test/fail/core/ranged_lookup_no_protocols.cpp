// A ranged lookup whose range holds no protocol at all.
// EXPECT: ksock::ranged_lookup<NProto>: NProto must be positive
#include <ksock/registry/ranged_lookup.hpp>

constexpr ksock::resolution r = ksock::ranged_lookup<0>::lookup(nullptr, 0, 2, 0);
