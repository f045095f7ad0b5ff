"""Which network addresses a calendar link may reach: public (globally reachable) ones only.

An IPv6 address can carry an IPv4 address that the network delivers to: IPv4-mapped
(::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::/96), 6to4 (2002::/16) and
Teredo (2001::/32). Python's `is_global` judges only the IPv6 form (on 3.11 `::127.0.0.1` and
`64:ff9b::7f00:1` are "global"), so such an address is public only when what it carries is too.
The local-use NAT64 prefix 64:ff9b:1::/48 (RFC 8215) is never public: where its IPv4 address
sits depends on the operator's prefix length.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv6Address, ip_network

IPAddress = IPv4Address | IPv6Address

NAT64 = ip_network("64:ff9b::/96")
NAT64_LOCAL_USE = ip_network("64:ff9b:1::/48")
SIX_TO_FOUR = ip_network("2002::/16")
TEREDO = ip_network("2001::/32")
IPV4_COMPATIBLE = ip_network("::/96")
IPV4_TRANSLATED = ip_network("::ffff:0:0:0/96")  # SIIT (RFC 2765)


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """The IPv4 addresses `address` carries (empty for a plain IPv6 address)."""
    low32 = IPv4Address(int(address) & 0xFFFFFFFF)
    if address.ipv4_mapped is not None:
        return [address.ipv4_mapped]
    if address in IPV4_COMPATIBLE or address in IPV4_TRANSLATED or address in NAT64:
        return [low32]
    if address.sixtofour is not None:
        return [address.sixtofour]
    if address.teredo is not None:
        return list(address.teredo)  # (server, client), the client de-obfuscated
    return []


def is_public(address: IPAddress) -> bool:
    """True when a calendar link may connect to `address`: globally reachable, not multicast,
    and (for IPv6) carrying no IPv4 address that is not public itself."""
    if not address.is_global or address.is_multicast:
        return False
    if isinstance(address, IPv6Address):
        if address.scope_id or address in NAT64_LOCAL_USE:
            return False
        return all(is_public(v4) for v4 in embedded_ipv4(address))
    return True
