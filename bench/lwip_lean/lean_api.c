/* bench/lwip_lean/lean_api.c: what the benchmarks see of the lean lwIP
 * (lwip_lean.h): its init and the numbers of its socket API, which are not
 * Linux's (SOL_SOCKET is 0xfff here). The socket calls themselves are
 * lwIP's, renamed lean_lwip_* while compiling (bench/lwip_lean.cmake). */
#include "lwip/init.h"
#include "lwip/sockets.h"
#include "lwip_lean.h"

const int lean_af_inet = AF_INET;
const int lean_sock_stream = SOCK_STREAM;
const int lean_sock_dgram = SOCK_DGRAM;
const int lean_sol_socket = SOL_SOCKET;
const int lean_so_type = SO_TYPE;
const int lean_f_getfl = F_GETFL;

void lean_lwip_start(void) { lwip_init(); }
