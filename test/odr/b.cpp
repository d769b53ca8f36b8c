// ODR link test, second translation unit: see main.cpp.
#include <cstddef>

#include <ksock/ksock.hpp>

std::size_t odr_b_stack_size() {
    return sizeof(ksock::default_stack);
}

int odr_b_open(ksock::default_stack& s) {
    return s.socket(ksock::pf_inet, ksock::sock_stream, 0);
}
