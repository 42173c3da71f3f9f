/*
 * addr.h — the machine's addresses, to tell phones where to connect.
 *
 * Boundary: reads the network interfaces (getifaddrs); no sockets opened.
 */
#ifndef ATELIER_ADDR_H
#define ATELIER_ADDR_H

#include <stddef.h>

/* Writes up to max IPv4 addresses of interfaces that are up and not
 * loopback, as text, into out[i] (each of 16 bytes). Private-range
 * addresses (the venue's Wi-Fi) come first. Returns how many. */
size_t addr_lan_ipv4(char out[][16], size_t max);

/* 1 if host (a Host header value or address, port allowed) names this
 * machine's loopback: "localhost", "127.x.x.x", "[::1]". */
int addr_is_loopback(const char *host);

#endif
