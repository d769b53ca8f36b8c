// test/detail/type_list.cpp: the compile-time list vocabulary of the registries
// (detail/type_list.hpp): at, index_of, contains, concat, unique, transform,
// for_each_type, all_distinct.
#include <type_traits>

#include <doctest/doctest.h>

#include <ksock/detail/type_list.hpp>

#include "support/static_require.hpp"

namespace {

using ksock::type_list;
namespace d = ksock::detail;

template <class T>
struct ptr_of {
    using type = T*;
};

using L = type_list<int, char, int, double>;

} // namespace

TEST_CASE("type_list: indexing and membership") {
    STATIC_REQUIRE(L::size == 4);
    STATIC_REQUIRE(std::is_same_v<d::at_t<0, L>, int>);
    STATIC_REQUIRE(std::is_same_v<d::at_t<3, L>, double>);
    STATIC_REQUIRE(d::index_of_v<char, L> == 1);
    STATIC_REQUIRE(d::index_of_v<int, L> == 0); // the first occurrence
    STATIC_REQUIRE(d::index_of_v<long, L> == L::size);
    STATIC_REQUIRE(d::contains_v<double, L>);
    STATIC_REQUIRE(!d::contains_v<long, L>);
    STATIC_REQUIRE(d::is_type_list<L>::value);
    STATIC_REQUIRE(!d::is_type_list<int>::value);
}

TEST_CASE("type_list: concat, unique, transform") {
    STATIC_REQUIRE(std::is_same_v<d::concat_t<>, type_list<>>);
    STATIC_REQUIRE(std::is_same_v<d::concat_t<type_list<int>, type_list<>, type_list<char, int>>,
                                  type_list<int, char, int>>);
    STATIC_REQUIRE(std::is_same_v<d::unique_t<L>, type_list<int, char, double>>);
    STATIC_REQUIRE(
        std::is_same_v<d::transform_t<ptr_of, type_list<int, char>>, type_list<int*, char*>>);
    STATIC_REQUIRE(!d::all_distinct(L{}));
    STATIC_REQUIRE(d::all_distinct(type_list<int, char>{}));
}

TEST_CASE("type_list: for_each_type visits in order") {
    int order[4] = {};
    int n = 0;
    d::for_each_type(L{}, [&]<class T>() { order[n++] = static_cast<int>(sizeof(T)); });
    CHECK(n == 4);
    CHECK(order[0] == static_cast<int>(sizeof(int)));
    CHECK(order[1] == 1);
    CHECK(order[3] == static_cast<int>(sizeof(double)));
}
