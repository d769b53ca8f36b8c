// ksock/inet/snmp.hpp: the SNMP counters Linux keeps for IPv4, ICMP and UDP
// (include/net/snmp.h; what /proc/net/snmp prints on its Ip:, Icmp: and
// Udp: lines), in its column order, each named after its column.
// unsigned long, as Linux's per-namespace MIB counters are.
#pragma once

namespace ksock::inet {

//! /proc/net/snmp "Ip:" (RFC 4293's ipSystemStats, as Linux counts them).
struct ip_mib {
    unsigned long in_receives;       //!< InReceives: datagrams handed to ip_rcv
    unsigned long in_hdr_errors;     //!< InHdrErrors: bad version, ihl, length, checksum, options
    unsigned long in_addr_errors;    //!< InAddrErrors: not for us (no forwarding)
    unsigned long forw_datagrams;    //!< ForwDatagrams (always 0: no forwarding)
    unsigned long in_unknown_protos; //!< InUnknownProtos
    unsigned long in_discards;       //!< InDiscards
    unsigned long in_delivers;       //!< InDelivers
    unsigned long out_requests;      //!< OutRequests: datagrams ip_output was given
    unsigned long out_discards;      //!< OutDiscards
    unsigned long out_no_routes;     //!< OutNoRoutes
    unsigned long reasm_timeout;     //!< ReasmTimeout
    unsigned long reasm_reqds;       //!< ReasmReqds: fragments received
    unsigned long reasm_oks;         //!< ReasmOKs
    unsigned long reasm_fails;       //!< ReasmFails
    unsigned long frag_oks;          //!< FragOKs
    unsigned long frag_fails;        //!< FragFails
    unsigned long frag_creates;      //!< FragCreates
    unsigned long out_transmits;     //!< OutTransmits: packets handed to a device
    // Not on the Ip: line (Linux keeps them in IpExt: and snmp_stats):
    unsigned long in_truncated_pkts; //!< InTruncatedPkts
    unsigned long in_csum_errors;    //!< InCsumErrors (also counted in InHdrErrors)
};

//! /proc/net/snmp "Icmp:".
struct icmp_mib {
    //! InMsgs, InErrors, InCsumErrors: ICMP messages received, those with errors (bad checksum, too
    //! short), and of them the bad checksums.
    //!@{
    unsigned long in_msgs;
    unsigned long in_errors;
    unsigned long in_csum_errors;
    //!@}
    //! The messages received by type (InDestUnreachs ... InAddrMaskReps): destination unreachable,
    //! time exceeded, parameter problem, source quench, redirect, echo request and reply, timestamp
    //! request and reply, address mask request and reply.
    //!@{
    unsigned long in_dest_unreachs;
    unsigned long in_time_excds;
    unsigned long in_parm_probs;
    unsigned long in_src_quenchs;
    unsigned long in_redirects;
    unsigned long in_echos;
    unsigned long in_echo_reps;
    unsigned long in_timestamps;
    unsigned long in_timestamp_reps;
    unsigned long in_addr_masks;
    unsigned long in_addr_mask_reps;
    //!@}
    //! OutMsgs, OutErrors, OutRateLimitGlobal, OutRateLimitHost: messages sent, those that failed,
    //! and those the global and the per-host rate limits held back.
    //!@{
    unsigned long out_msgs;
    unsigned long out_errors;
    unsigned long out_rate_limit_global;
    unsigned long out_rate_limit_host;
    //!@}
    //! The messages sent by type (OutDestUnreachs ... OutAddrMaskReps), as for the received ones.
    //!@{
    unsigned long out_dest_unreachs;
    unsigned long out_time_excds;
    unsigned long out_parm_probs;
    unsigned long out_src_quenchs;
    unsigned long out_redirects;
    unsigned long out_echos;
    unsigned long out_echo_reps;
    unsigned long out_timestamps;
    unsigned long out_timestamp_reps;
    unsigned long out_addr_masks;
    unsigned long out_addr_mask_reps;
    //!@}
};

//! /proc/net/snmp "Udp:".
struct udp_mib {
    unsigned long in_datagrams;   //!< InDatagrams: delivered to a socket
    unsigned long no_ports;       //!< NoPorts: for a port no socket has
    unsigned long in_errors;      //!< InErrors: dropped (bad checksum or length, full buffer)
    unsigned long out_datagrams;  //!< OutDatagrams: sent
    unsigned long rcvbuf_errors;  //!< RcvbufErrors: dropped for a full receive buffer
    unsigned long sndbuf_errors;  //!< SndbufErrors: refused for a full send buffer
    unsigned long in_csum_errors; //!< InCsumErrors: bad checksum (also in InErrors)
    unsigned long ignored_multi;  //!< IgnoredMulti: broadcast or multicast no socket took
    unsigned long mem_errors;     //!< MemErrors: dropped for lack of memory
};

//! /proc/net/snmp "Tcp:" (CurrEstab is counted from the sockets, as
//! Linux's is, so it is not here).
struct tcp_mib {
    unsigned long active_opens;   //!< ActiveOpens: SYN_SENT from CLOSED (connect)
    unsigned long passive_opens;  //!< PassiveOpens: SYN_RECV from LISTEN
    unsigned long attempt_fails;  //!< AttemptFails: SYN_SENT or SYN_RECV back to CLOSED or LISTEN
    unsigned long estab_resets;   //!< EstabResets: ESTABLISHED or CLOSE_WAIT to CLOSED
    unsigned long in_segs;        //!< InSegs: segments received, errors included
    unsigned long out_segs;       //!< OutSegs: segments sent, retransmissions excluded
    unsigned long retrans_segs;   //!< RetransSegs: segments retransmitted
    unsigned long in_errs;        //!< InErrs: segments received with errors
    unsigned long out_rsts;       //!< OutRsts: segments sent with RST
    unsigned long in_csum_errors; //!< InCsumErrors: bad checksum (also in InErrs)
};

//! /proc/net/netstat "TcpExt:" (LINUX_MIB_*): the counters ksock keeps.
struct linux_mib {
    unsigned long syncookies_sent;   //!< SyncookiesSent: SYN-ACKs that carried a cookie
    unsigned long syncookies_recv;   //!< SyncookiesRecv: ACKs that brought a good cookie back
    unsigned long syncookies_failed; //!< SyncookiesFailed: ACKs taken for a cookie's that was not
};

//! A namespace's IPv4 counters.
struct ipv4_mib {
    ip_mib ip;       //!< "Ip:"
    icmp_mib icmp;   //!< "Icmp:"
    tcp_mib tcp;     //!< "Tcp:"
    udp_mib udp;     //!< "Udp:"
    udp_mib udplite; //!< "UdpLite:", the same counters
    linux_mib ext;   //!< "TcpExt:" of /proc/net/netstat
};

//! The UDP counters of IP protocol \p proto: UDP-Lite's own, else UDP's
//! (__UDP_INC_STATS(net, field, is_udplite)).
inline udp_mib& udp_mib_of(ipv4_mib& m, int proto) noexcept {
    return proto == 136 ? m.udplite : m.udp; // IPPROTO_UDPLITE
}

//! ICMP_MIB_IN / ICMP_MIB_OUT by message type (icmpmsg_put's mapping onto
//! the Icmp: columns): the counter of type \p type in \p m, or null for a
//! type Linux counts only in IcmpMsg:.
inline unsigned long* icmp_type_counter(icmp_mib& m, unsigned type, bool out) noexcept {
    switch (type) {
    case 0:
        return out ? &m.out_echo_reps : &m.in_echo_reps;
    case 3:
        return out ? &m.out_dest_unreachs : &m.in_dest_unreachs;
    case 4:
        return out ? &m.out_src_quenchs : &m.in_src_quenchs;
    case 5:
        return out ? &m.out_redirects : &m.in_redirects;
    case 8:
        return out ? &m.out_echos : &m.in_echos;
    case 11:
        return out ? &m.out_time_excds : &m.in_time_excds;
    case 12:
        return out ? &m.out_parm_probs : &m.in_parm_probs;
    case 13:
        return out ? &m.out_timestamps : &m.in_timestamps;
    case 14:
        return out ? &m.out_timestamp_reps : &m.in_timestamp_reps;
    case 17:
        return out ? &m.out_addr_masks : &m.in_addr_masks;
    case 18:
        return out ? &m.out_addr_mask_reps : &m.in_addr_mask_reps;
    default:
        return nullptr;
    }
}

} // namespace ksock::inet
