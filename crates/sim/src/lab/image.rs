//! The read-only layers the lab's runs start from: the busybox image (as the
//! runtime builds it from Debian's busybox-static), the overlay demo's app
//! layer, and the chroot demo's jail (bash, ls, cat and tree with the
//! libraries `ldd` names).

use super::fs::{Layer, Node};

/// Where the runtime keeps the busybox image on the host.
pub const BUSYBOX_DIR: &str = "/var/lib/kubeplay/images/busybox";

/// The applets of Debian's busybox-static 1.35 (`busybox --list` but `busybox`), each a
/// symbolic link to `busybox` in `/bin`.
pub const APPLETS: &str = "[ [[ acpid adjtimex ar arch arp arping ascii ash awk base64 basename bc blkdiscard blockdev brctl \
bunzip2 bzcat bzip2 cal cat chgrp chmod chown chroot chvt clear cmp cp cpio crc32 crond crontab cttyhack cut date dc dd deallocvt \
depmod devmem df diff dirname dmesg dnsdomainname dos2unix dpkg dpkg-deb du dumpkmap dumpleases echo ed egrep env expand expr factor \
fallocate false fatattr fdisk fgrep find findfs fold free freeramdisk fsfreeze fstrim ftpget ftpput getopt getty grep groups gunzip \
gzip halt head hexdump hostid hostname httpd hwclock i2cdetect i2cdump i2cget i2cset i2ctransfer id ifconfig ifdown ifup init insmod \
ionice ip ipcalc ipneigh kill killall klogd last less link linux32 linux64 linuxrc ln loadfont loadkmap logger login logname logread \
losetup ls lsmod lsscsi lzcat lzma lzop md5sum mdev microcom mim mkdir mkdosfs mke2fs mkfifo mknod mkpasswd mkswap mktemp modinfo \
modprobe more mount mt mv nameif nc netstat nl nologin nproc nsenter nslookup nuke od openvt partprobe passwd paste patch pidof ping \
ping6 pivot_root poweroff printf ps pwd rdate readlink realpath reboot renice reset resume rev rm rmdir rmmod route rpm rpm2cpio \
run-init run-parts sed seq setkeycodes setpriv setsid sh sha1sum sha256sum sha3sum sha512sum shred shuf sleep sort ssl_client \
start-stop-daemon stat strings stty su sulogin svc svok swapoff swapon switch_root sync sysctl syslogd tac tail tar taskset tc tee \
telnet telnetd test tftp time timeout top touch tr traceroute traceroute6 true truncate ts tty tunctl ubirename udhcpc udhcpd uevent \
umount uname uncompress unexpand uniq unix2dos unlink unlzma unshare unxz unzip uptime usleep uudecode uuencode vconfig vi w watch \
watchdog wc wget which who whoami xargs xxd xz xzcat yes zcat";

/// Whether `name` is a busybox applet.
pub fn is_applet(name: &str) -> bool {
    APPLETS.split_whitespace().any(|a| a == name)
}

/// The busybox image: the directories, `/bin/busybox` with its applet links,
/// and the files the runtime writes into `/etc`.
pub fn busybox() -> Layer {
    let mut layer = Layer::new("image layer 1: busybox", BUSYBOX_DIR);
    for d in ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/proc", "/sys", "/dev", "/tmp", "/etc", "/root", "/home", "/var", "/run", "/mnt"] {
        layer.add(d, Node::Dir);
    }
    layer.add("/bin/busybox", Node::Binary(1_982_256));
    for applet in APPLETS.split_whitespace() {
        layer.add(&format!("/bin/{applet}"), Node::Link("busybox".into()));
    }
    layer.add("/etc/passwd", Node::File("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n".into()));
    layer.add("/etc/group", Node::File("root:x:0:\nnogroup:x:65534:\n".into()));
    layer.add("/etc/hostname", Node::File("container\n".into()));
    layer.add("/etc/os-release", Node::File("NAME=\"kubeplay busybox\"\nID=busybox\n".into()));
    layer
}

/// The overlay demo's app layer (the runtime's `APP_FILES`).
pub fn app() -> Layer {
    let mut layer = Layer::new("image layer 2: app", "/var/lib/kubeplay/layers/app");
    for (path, text) in kubeplay_lab::plan::APP_FILES {
        layer.add(&format!("/{path}"), Node::File(text.into()));
    }
    layer
}

/// The programs of the chroot jail with their sizes on a Debian 12 host.
pub const JAIL_PROGRAMS: [(&str, u64); 4] = [("bash", 1_265_648), ("cat", 44_016), ("ls", 151_344), ("tree", 81_592)];

/// The libraries `ldd` names for them, with their sizes.
pub const JAIL_LIBRARIES: [(&str, u64); 5] = [
    ("/lib/x86_64-linux-gnu/libc.so.6", 1_926_232),
    ("/lib/x86_64-linux-gnu/libpcre2-8.so.0", 629_384),
    ("/lib/x86_64-linux-gnu/libselinux.so.1", 174_312),
    ("/lib/x86_64-linux-gnu/libtinfo.so.6", 204_088),
    ("/lib64/ld-linux-x86-64.so.2", 215_000),
];

/// The chroot jail: its programs in `/bin` and every library at its own path.
pub fn jail() -> Layer {
    let mut layer = Layer::new("jail", "/var/lib/kubeplay/jail");
    for (name, size) in JAIL_PROGRAMS {
        layer.add(&format!("/bin/{name}"), Node::Binary(size));
    }
    for (path, size) in JAIL_LIBRARIES {
        layer.add(path, Node::Binary(size));
    }
    layer
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_images_hold_what_the_runtime_builds() {
        let bb = busybox();
        assert_eq!(APPLETS.split_whitespace().count(), 268);
        assert!(is_applet("ps") && !is_applet("kubectl"));
        assert_eq!(bb.entries.len(), 15 + 1 + 268 + 4, "directories, busybox, its links, /etc");
        let (listed, omitted) = bb.listing(12);
        assert_eq!((listed.len(), omitted), (12, bb.entries.len() - 12));
        assert!(listed.iter().all(|e| e.path.matches('/').count() == 1), "the top level comes first");
        assert_eq!(jail().entries.len(), 4 + 5 + 4, "files and the directories bin, lib, lib/x86_64-linux-gnu, lib64");
        assert_eq!(app().entries.len(), 5);
    }
}
