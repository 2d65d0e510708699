//! The kernel state that outlives one run: namespace inode numbers (allocated
//! in creation order, as `nsfs` does) and the network namespaces with their
//! devices, addresses and listening sockets, which a veth pair can join.

use crate::small_map::SmallMap;

/// The namespace kinds as `/proc/self/ns` names them, in the lab's order.
pub const KINDS: [&str; 7] = ["pid", "uts", "mnt", "net", "ipc", "cgroup", "user"];

/// The host's (initial) namespaces, as recorded on the lab's Linux host.
pub const HOST: NsSet = NsSet { pid: 4026531836, uts: 4026531838, mnt: 4026531832, net: 4026531833, ipc: 4026531839, cgroup: 4026531835, user: 4026531837 };

/// The first inode number handed to a namespace made after boot.
pub const FIRST_INODE: u64 = 4026532160;

/// One namespace of each kind, by inode number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NsSet {
    /// Process IDs.
    pub pid: u64,
    /// Hostname.
    pub uts: u64,
    /// Mount table.
    pub mnt: u64,
    /// Network stack.
    pub net: u64,
    /// System V IPC and POSIX message queues.
    pub ipc: u64,
    /// The cgroup root a process sees.
    pub cgroup: u64,
    /// User and group IDs (and what capabilities mean).
    pub user: u64,
}

impl NsSet {
    /// The inode of one kind (`pid`, `uts`, ...).
    pub fn get(&self, kind: &str) -> Option<u64> {
        Some(match kind {
            "pid" => self.pid,
            "uts" => self.uts,
            "mnt" => self.mnt,
            "net" => self.net,
            "ipc" => self.ipc,
            "cgroup" => self.cgroup,
            "user" => self.user,
            _ => return None,
        })
    }
}

/// What a network device is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Link {
    /// The loopback device.
    Loopback,
    /// One end of a veth pair; the other end is `peer` in namespace `peer_ns`.
    Veth {
        /// The peer's namespace.
        peer_ns: u64,
        /// The peer's interface index there.
        peer_index: u32,
    },
}

/// One network device of a namespace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Device {
    /// Interface index (1 is `lo`).
    pub index: u32,
    /// Its name.
    pub name: String,
    /// Loopback or veth.
    pub link: Link,
    /// Administratively up.
    pub up: bool,
    /// Its IPv4 address and prefix length.
    pub addr: Option<(u32, u8)>,
    /// Hardware address.
    pub mac: String,
}

/// A network namespace: devices and TCP listeners (port to owning process).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NetNs {
    /// Devices by index order.
    pub devices: Vec<Device>,
    /// Listening TCP ports and the process holding each.
    pub listening: SmallMap<u16, u32>,
}

/// Where a packet from a namespace to an address ends up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Route {
    /// It reaches a live address; the round trip takes this many microseconds.
    Reply(u64),
    /// A subnet route exists but nobody answers.
    Silent,
    /// No route to the address.
    Unreachable,
}

/// The kernel: inode numbers and network namespaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kernel {
    next_inode: u64,
    /// Network namespaces by inode number.
    pub nets: SmallMap<u64, NetNs>,
}

impl Default for Kernel {
    fn default() -> Self {
        Kernel::new()
    }
}

/// `a.b.c.d` as a number.
pub fn parse_ipv4(s: &str) -> Option<u32> {
    let parts: Vec<u8> = s.split('.').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    (parts.len() == 4).then(|| u32::from_be_bytes([parts[0], parts[1], parts[2], parts[3]]))
}

/// A number as `a.b.c.d`.
pub fn format_ipv4(a: u32) -> String {
    let b = a.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

fn in_subnet(a: u32, net: u32, prefix: u8) -> bool {
    let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
    a & mask == net & mask
}

impl Kernel {
    /// A freshly booted kernel: only the host's namespaces exist.
    pub fn new() -> Self {
        Kernel { next_inode: FIRST_INODE, nets: SmallMap::new() }
    }

    /// The next namespace inode number.
    pub fn inode(&mut self) -> u64 {
        let i = self.next_inode;
        self.next_inode += 1;
        i
    }

    /// New namespaces for a run, made in the kernel's order (mount, UTS, IPC,
    /// PID, cgroup, network); `join_net` joins an existing network namespace
    /// instead; a user namespace, when asked, is made last (after the drop to `nobody`).
    pub fn namespaces(&mut self, join_net: Option<u64>, user: bool) -> NsSet {
        let (mnt, uts, ipc, pid, cgroup) = (self.inode(), self.inode(), self.inode(), self.inode(), self.inode());
        let net = match join_net {
            Some(n) => n,
            None => self.add_netns(),
        };
        let user = if user { self.inode() } else { HOST.user };
        NsSet { pid, uts, mnt, net, ipc, cgroup, user }
    }

    /// A new network namespace holding only `lo`, down.
    pub fn add_netns(&mut self) -> u64 {
        let inode = self.inode();
        let lo = Device { index: 1, name: "lo".into(), link: Link::Loopback, up: false, addr: Some((0x7f00_0001, 8)), mac: "00:00:00:00:00:00".into() };
        self.nets.insert(inode, NetNs { devices: vec![lo], listening: SmallMap::new() });
        inode
    }

    /// Deletes a network namespace (its veth ends go with it).
    pub fn remove_netns(&mut self, inode: u64) {
        self.nets.remove(&inode);
    }

    /// Brings a device up or down; false when there is no such device.
    pub fn set_up(&mut self, ns: u64, name: &str, up: bool) -> bool {
        let dev = self.nets.get_mut(&ns).and_then(|n| n.devices.iter_mut().find(|d| d.name == name));
        dev.map(|d| d.up = up).is_some()
    }

    /// A veth pair between two namespaces, each end with its address (`a.b.c.d/p`), both up.
    pub fn veth(&mut self, a: (u64, &str, &str), b: (u64, &str, &str)) {
        let index_in = |k: &Kernel, ns: u64| k.nets.get(&ns).map_or(1, |n| n.devices.len() as u32 + 1);
        let (ia, ib) = (index_in(self, a.0), index_in(self, b.0));
        for ((ns, name, cidr), (peer_ns, peer_index), index) in [(a, (b.0, ib), ia), (b, (a.0, ia), ib)] {
            let addr = cidr.split_once('/').and_then(|(ip, p)| Some((parse_ipv4(ip)?, p.parse().ok()?)));
            let mac = format!("02:42:{:02x}:{:02x}:00:{:02x}", (ns >> 8) & 0xff, ns & 0xff, index);
            let dev = Device { index, name: name.into(), link: Link::Veth { peer_ns, peer_index }, up: true, addr, mac };
            self.nets.get_or_default(ns).devices.push(dev);
        }
    }

    /// Routes a packet from namespace `ns` to `dst`: the loopback and local
    /// addresses answer when `lo` is up; a subnet of an up veth device answers
    /// when the peer end holds the address and is up. There is no default route.
    pub fn route(&self, ns: u64, dst: u32) -> Route {
        let Some(net) = self.nets.get(&ns) else { return Route::Unreachable };
        let lo_up = net.devices.iter().any(|d| d.link == Link::Loopback && d.up);
        let local = dst >> 24 == 127 || net.devices.iter().any(|d| d.up && d.addr.is_some_and(|(a, _)| a == dst));
        if local {
            return if lo_up { Route::Reply(45) } else { Route::Unreachable };
        }
        for dev in net.devices.iter().filter(|d| d.up) {
            let (Link::Veth { peer_ns, peer_index }, Some((addr, prefix))) = (&dev.link, dev.addr) else { continue };
            if !in_subnet(dst, addr, prefix) {
                continue;
            }
            let peer = self.nets.get(peer_ns).and_then(|n| n.devices.iter().find(|d| d.index == *peer_index));
            let answers = peer.is_some_and(|p| p.up && p.addr.is_some_and(|(a, _)| a == dst));
            return if answers { Route::Reply(60) } else { Route::Silent };
        }
        Route::Unreachable
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_get_fresh_inodes_in_creation_order() {
        let mut k = Kernel::new();
        let ns = k.namespaces(None, true);
        assert_eq!((ns.mnt, ns.uts, ns.ipc, ns.pid, ns.cgroup, ns.net, ns.user), (FIRST_INODE, FIRST_INODE + 1, FIRST_INODE + 2, FIRST_INODE + 3, FIRST_INODE + 4, FIRST_INODE + 5, FIRST_INODE + 6));
        assert_eq!(k.namespaces(None, false).user, HOST.user);
    }

    #[test]
    fn a_veth_pair_answers_across_and_nothing_else_is_routed() {
        let mut k = Kernel::new();
        let (a, b) = (k.add_netns(), k.add_netns());
        k.veth((a, "veth0", "10.200.0.1/30"), (b, "veth1", "10.200.0.2/30"));
        assert_eq!(k.route(a, parse_ipv4("10.200.0.2").unwrap()), Route::Reply(60));
        assert_eq!(k.route(a, parse_ipv4("8.8.8.8").unwrap()), Route::Unreachable);
        assert_eq!(k.route(a, parse_ipv4("127.0.0.1").unwrap()), Route::Unreachable, "lo is down");
        assert!(k.set_up(a, "lo", true));
        assert_eq!(k.route(a, parse_ipv4("127.0.0.1").unwrap()), Route::Reply(45));
        assert!(k.set_up(b, "veth1", false));
        assert_eq!(k.route(a, parse_ipv4("10.200.0.2").unwrap()), Route::Silent);
        assert_eq!(format_ipv4(parse_ipv4("10.200.0.2").unwrap()), "10.200.0.2");
    }
}
