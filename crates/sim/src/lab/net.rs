//! Network applets over the run's network namespace: `ip` (links, addresses,
//! routes), `ping` (a raw socket needs `CAP_NET_RAW`), `nc` (a port below 1024
//! needs `CAP_NET_BIND_SERVICE`) and `netstat`, in busybox's formats.

use super::kernel::{format_ipv4, parse_ipv4, Device, Link, Route};
use super::sh::{Flow, Sh};
use super::system::duration;

/// `ip link` lines of a device: the header and the link line.
fn link_lines(d: &Device) -> (String, String) {
    let (name, flags, mtu, kind) = match d.link {
        Link::Loopback => (d.name.clone(), if d.up { "LOOPBACK,UP,LOWER_UP" } else { "LOOPBACK" }, 65536, "loopback"),
        Link::Veth { peer_index, .. } => (format!("{}@if{peer_index}", d.name), if d.up { "BROADCAST,MULTICAST,UP,LOWER_UP" } else { "BROADCAST,MULTICAST" }, 1500, "ether"),
    };
    let brd = if kind == "ether" { "ff:ff:ff:ff:ff:ff" } else { "00:00:00:00:00:00" };
    (format!("{}: {name}: <{flags}> mtu {mtu} qdisc {} qlen 1000", d.index, if d.up { "noqueue" } else { "noop" }), format!("    link/{kind} {} brd {brd}", d.mac))
}

impl Sh<'_, '_> {
    /// A network applet, if `name` is one.
    pub(super) fn net_applet(&mut self, pid: u32, name: &str, args: &[String]) -> Option<Flow> {
        Some(match name {
            "nc" => self.nc(pid, args),
            "netstat" => {
                let listening = args.iter().any(|a| a.starts_with('-') && (a.contains('l') || a.contains('a')));
                let mut text = format!(
                    "Active Internet connections ({})\nProto Recv-Q Send-Q Local Address           Foreign Address         State       \n",
                    if listening { "only servers" } else { "w/o servers" }
                );
                let ports: Vec<u16> = self.c.kernel.nets.get(&self.c.ns.net).map(|n| n.listening.keys().copied().collect()).unwrap_or_default();
                for port in ports.iter().filter(|_| listening) {
                    text.push_str(&format!("{:<5} {:>6} {:>6} {:<23} {:<23} {:<12}\n", "tcp", 0, 0, format!(":::{port}"), ":::*", "LISTEN"));
                }
                self.out(&text);
                Ok(0)
            }
            "ping" => self.ping(pid, args),
            "ip" => self.ip(args),
            _ => return None,
        })
    }

    fn nc(&mut self, pid: u32, args: &[String]) -> Flow {
        let (mut listen, mut port, mut rest) = (false, None, Vec::new());
        let mut i = 0;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-l" => listen = true,
                "-p" | "-lp" => {
                    listen |= a == "-lp";
                    i += 1;
                    port = args.get(i).and_then(|p| p.parse::<u16>().ok());
                }
                "-w" => i += 1,
                s if s.starts_with('-') => {}
                s => rest.push(s.to_string()),
            }
            i += 1;
        }
        let net = self.c.ns.net;
        if listen {
            let Some(port) = port.or_else(|| rest.last().and_then(|p| p.parse().ok())) else {
                self.err("nc: missing port\n");
                return Ok(1);
            };
            if port < 1024 && !self.c.caps.has("CAP_NET_BIND_SERVICE") {
                self.err("nc: bind: Permission denied\n");
                return Ok(1);
            }
            let listening = &mut self.c.kernel.nets.get_or_default(net).listening;
            if listening.contains_key(&port) {
                self.err("nc: bind: Address already in use\n");
                return Ok(1);
            }
            listening.insert(port, pid);
            self.c.changes += 1;
            return self.block(pid, None, false).map(|_| 0);
        }
        let (Some(host), Some(port)) = (rest.first(), rest.get(1).and_then(|p| p.parse::<u16>().ok())) else {
            self.err("nc: missing host or port\n");
            return Ok(1);
        };
        let Some(addr) = parse_ipv4(host) else {
            self.err(&format!("nc: bad address '{host}'\n"));
            return Ok(1);
        };
        let netns = self.c.kernel.nets.get(&net);
        let local = addr >> 24 == 127 || netns.is_some_and(|n| n.devices.iter().any(|d| d.addr.is_some_and(|(a, _)| a == addr)));
        let listener = netns.and_then(|n| n.listening.get(&port).copied()).filter(|_| local);
        let refused = match (self.c.kernel.route(net, addr), listener) {
            (Route::Reply(_), Some(owner)) => {
                // The listener prints what it received and, the connection closed, exits.
                let data = self.st.io.stdin.clone();
                self.c.out.write(&data);
                self.c.exit(owner, false);
                return Ok(0);
            }
            (Route::Reply(_), None) => "Connection refused",
            (Route::Silent, _) => "No route to host",
            (Route::Unreachable, _) => "Network is unreachable",
        };
        self.err(&format!("nc: can't connect to remote host ({}): {refused}\n", format_ipv4(addr)));
        Ok(1)
    }

    fn ping(&mut self, pid: u32, args: &[String]) -> Flow {
        let (mut count, mut interval, mut wait, mut host) = (None, 1_000_000, 10_000_000, None);
        let mut i = 0;
        while let Some(a) = args.get(i) {
            let value = || args.get(i + 1).map(String::as_str).unwrap_or("");
            match a.as_str() {
                "-c" => count = value().parse::<u64>().ok(),
                "-i" => interval = duration(value()).unwrap_or(1_000_000),
                "-W" => wait = duration(value()).unwrap_or(10_000_000),
                "-w" | "-s" | "-t" | "-I" | "-p" => {}
                s if s.starts_with('-') => {
                    i += 1;
                    continue;
                }
                s => {
                    host = Some(s.to_string());
                    i += 1;
                    continue;
                }
            }
            i += 2;
        }
        let Some(host) = host else {
            self.err("BusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) multi-call binary.\n\nUsage: ping [OPTIONS] HOST\n");
            return Ok(1);
        };
        let Some(addr) = parse_ipv4(&host) else {
            self.err(&format!("ping: bad address '{host}'\n"));
            return Ok(1);
        };
        let ip = format_ipv4(addr);
        self.out(&format!("PING {host} ({ip}): 56 data bytes\n"));
        if !self.c.caps.has("CAP_NET_RAW") {
            self.err("ping: permission denied (are you root?)\n");
            return Ok(1);
        }
        let route = self.c.kernel.route(self.c.ns.net, addr);
        if route == Route::Unreachable {
            self.err("ping: sendto: Network is unreachable\n");
            return Ok(1);
        }
        let mut times = Vec::new();
        let mut sent = 0;
        while count.is_none_or(|c| sent < c) {
            if sent > 0 {
                self.block(pid, Some(interval), false)?;
            }
            if let Route::Reply(rtt) = route {
                // The first packet waits for the neighbour and route caches.
                let us = rtt + if sent == 0 { 320 } else { 0 };
                self.block(pid, Some(us), false)?;
                self.out(&format!("64 bytes from {ip}: seq={sent} ttl=64 time={}.{:03} ms\n", us / 1000, us % 1000));
                times.push(us);
            }
            sent += 1;
        }
        if times.is_empty() {
            self.block(pid, Some(wait), false)?;
        }
        let received = times.len() as u64;
        let mut text = format!("\n--- {host} ping statistics ---\n{sent} packets transmitted, {received} packets received, {}% packet loss\n", (sent - received) * 100 / sent.max(1));
        if let (Some(min), Some(max)) = (times.iter().min(), times.iter().max()) {
            let avg = times.iter().sum::<u64>() / received;
            let ms = |us: u64| format!("{}.{:03}", us / 1000, us % 1000);
            text.push_str(&format!("round-trip min/avg/max = {}/{}/{} ms\n", ms(*min), ms(avg), ms(*max)));
        }
        self.out(&text);
        Ok(i32::from(received == 0))
    }

    fn ip(&mut self, args: &[String]) -> Flow {
        let oneline = args.iter().any(|a| a == "-o" || a == "-oneline");
        let only4 = args.iter().any(|a| a == "-4");
        let words: Vec<&str> = args.iter().map(String::as_str).filter(|a| !a.starts_with('-')).collect();
        let net = self.c.kernel.nets.get(&self.c.ns.net).cloned().unwrap_or_default();
        let object = words.first().copied().unwrap_or("");
        let verb = words.get(1).copied().unwrap_or("show");
        if !matches!(verb, "show" | "list" | "ls") {
            if !self.c.caps.has("CAP_NET_ADMIN") {
                self.err(if "link".starts_with(object) { "ip: SIOCSIFFLAGS: Operation not permitted\n" } else { "ip: RTNETLINK answers: Operation not permitted\n" });
                return Ok(2);
            }
            if let (true, Some(dev), Some(state)) = ("link".starts_with(object), words.get(2), words.get(3)) {
                let ns = self.c.ns.net;
                self.c.kernel.set_up(ns, dev, *state == "up");
                return Ok(0);
            }
            self.err("ip: this change is not simulated\n");
            return Ok(2);
        }
        let join = |a: String, b: String| if oneline { format!("{a}\\{b}\n") } else { format!("{a}\n{b}\n") };
        let mut text = String::new();
        for d in &net.devices {
            let (head, link) = link_lines(d);
            let inet = d.addr.filter(|_| d.up || d.link != Link::Loopback).map(|(a, p)| {
                let scope = if d.link == Link::Loopback { "host" } else { "global" };
                format!("    inet {}/{p} scope {scope} {}", format_ipv4(a), d.name)
            });
            match object {
                o if !o.is_empty() && "link".starts_with(o) => text.push_str(&join(head, link)),
                o if !o.is_empty() && "address".starts_with(o) => match (oneline, inet) {
                    (true, Some(inet)) => text.push_str(&format!("{}: {}{}\\       valid_lft forever preferred_lft forever\n", d.index, d.name, inet)),
                    (true, None) => {}
                    (false, inet) => {
                        text.push_str(&format!("{head}\n"));
                        if !only4 {
                            text.push_str(&format!("{link}\n"));
                        }
                        if let Some(inet) = inet {
                            text.push_str(&format!("{inet}\n       valid_lft forever preferred_lft forever\n"));
                        }
                        if !only4 && d.up && d.link == Link::Loopback {
                            text.push_str("    inet6 ::1/128 scope host \n       valid_lft forever preferred_lft forever\n");
                        }
                    }
                },
                o if !o.is_empty() && "route".starts_with(o) => {
                    if let (Link::Veth { .. }, true, Some((a, p))) = (&d.link, d.up, d.addr) {
                        let mask = if p == 0 { 0 } else { u32::MAX << (32 - u32::from(p)) };
                        text.push_str(&format!("{}/{p} dev {} scope link  src {} \n", format_ipv4(a & mask), d.name, format_ipv4(a)));
                    }
                }
                _ => {
                    self.err("Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n");
                    return Ok(1);
                }
            }
        }
        self.out(&text);
        Ok(0)
    }
}
