// ODR link test: a.cpp and b.cpp both include <ksock/ksock.hpp>. If a header
// defined a non-inline function or variable, linking the three translation
// units would fail with a duplicate symbol. Both units then work on the same
// stack, which must hand out fds 0 and 1 in order.
#include <cstddef>

#include <ksock/ksock.hpp>

std::size_t odr_a_stack_size();
std::size_t odr_b_stack_size();
int odr_a_open(ksock::default_stack& s);
int odr_b_open(ksock::default_stack& s);

int main() {
    if (odr_a_stack_size() != sizeof(ksock::default_stack) ||
        odr_b_stack_size() != sizeof(ksock::default_stack)) {
        return 1;
    }
    ksock::default_stack s;
    const int first = odr_a_open(s);
    const int second = odr_b_open(s);
    return first == 0 && second == 1 ? 0 : 1;
}
