/* bench/lwip_lean/lwip_lean.h: the lean lwIP's socket API as the benchmarks
 * call it, with plain C types (its own headers clash with Debian's lwIP,
 * linked into the same programs; every other symbol of the lean build is
 * local to its object). */
#ifndef KBENCH_LWIP_LEAN_H
#define KBENCH_LWIP_LEAN_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void lean_lwip_start(void);
int lean_lwip_socket(int domain, int type, int protocol);
int lean_lwip_close(int s);
int lean_lwip_getsockopt(int s, int level, int optname, void* optval, uint32_t* optlen);
int lean_lwip_fcntl(int s, int cmd, int val);

extern const int lean_af_inet, lean_sock_stream, lean_sock_dgram, lean_sol_socket, lean_so_type,
    lean_f_getfl;

#ifdef __cplusplus
}
#endif

#endif
