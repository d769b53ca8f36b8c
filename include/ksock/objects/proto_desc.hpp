// ksock/objects/proto_desc.hpp: the run-time face of a proto (what `sk->sk_prot`
// points at in Linux: struct proto's name and obj_size).
//
// A ksock proto is a type; each one gets exactly one constexpr proto_desc in
// read-only memory. It carries the identity of every type on the object's
// first-member chain, so a debug build can check a layout cast against the
// object that was really allocated (the slab's obj_size is what makes Linux's
// casts legal; here it is spelled out).
#pragma once

#include <cstddef>

namespace ksock {

namespace detail {
//! One distinct address per type: a type identity usable without RTTI.
template <class T>
inline constexpr char type_tag = 0;
} // namespace detail

//! Identity of type T, comparable at compile time and at run time.
template <class T>
constexpr const void* type_id() noexcept {
    return &detail::type_tag<T>;
}

//! What a sock remembers of its struct proto (sk_prot): the name, the object size, and the first-
//! member chain of the object type that checked casts test against.
struct proto_desc {
    const char* name;         //!< struct proto .name ("TCP", "UDP", ...)
    std::size_t obj_size;     //!< sizeof(obj_type)
    const void* const* chain; //!< type_id of obj_type, its first member, ... down to sock
    std::size_t chain_len;    //!< entries in chain

    //! Does an object of this proto contain a T at offset 0?
    constexpr bool contains(const void* id) const noexcept {
        for (std::size_t i = 0; i < chain_len; ++i)
            if (chain[i] == id)
                return true;
        return false;
    }
};

} // namespace ksock
