/*
 * addr.c — lists the LAN addresses of this machine (see addr.h).
 * Must not open sockets or touch the store.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

static int is_private(uint32_t a)
{
	return (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1) ||
	       (a >> 16) == (192u << 8 | 168);
}

size_t addr_lan_ipv4(char out[][16], size_t max)
{
	struct ifaddrs *list = NULL;
	size_t n = 0;
	if (getifaddrs(&list))
		return 0;
	/* Two passes: private ranges first, then the others. */
	for (int pass = 0; pass < 2; pass++) {
		for (struct ifaddrs *i = list; i && n < max; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
				continue;
			if (!(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK))
				continue;
			struct in_addr in = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
			if (is_private(ntohl(in.s_addr)) != (pass == 0))
				continue;
			inet_ntop(AF_INET, &in, out[n], 16);
			n++;
		}
	}
	freeifaddrs(list);
	return n;
}

int addr_is_loopback(const char *host)
{
	if (!host || !*host)
		return 1;
	if (strncasecmp(host, "localhost", 9) == 0 && (host[9] == '\0' || host[9] == ':'))
		return 1;
	if (strncmp(host, "127.", 4) == 0)
		return 1;
	return strncmp(host, "[::1]", 5) == 0;
}
