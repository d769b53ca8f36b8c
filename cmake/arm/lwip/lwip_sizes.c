/* cmake/arm/lwip/lwip_sizes.c: the sizes of lwIP's per-connection objects on
 * the target, as symbols whose size is the object's (compiled, never
 * linked: lwip_report.cmake reads them with nm -S). A TCP connection made
 * through the socket API is a tcp_pcb, its netconn and a lwip_sock slot. */
#include "lwip/api.h"
#include "lwip/priv/sockets_priv.h"
#include "lwip/tcp.h"

char size_of_tcp_pcb[sizeof(struct tcp_pcb)];
char size_of_netconn[sizeof(struct netconn)];
char size_of_lwip_sock[sizeof(struct lwip_sock)];
