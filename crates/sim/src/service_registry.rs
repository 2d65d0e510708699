//! The API server's Service registry: defaults, validation, and the allocators for
//! cluster IPs (from kubeadm's service CIDR 10.96.0.0/12) and node ports (30000-32767).

use crate::api::{IntOrString, Kind, LoadBalancerIngress, Object, Service};
use crate::rand::Rng;
use crate::store::Store;

/// The service CIDR's first address as a number (10.96.0.0).
const SERVICE_BASE: u32 = (10 << 24) | (96 << 16);
/// Addresses in the /12.
const SERVICE_SIZE: u32 = 1 << 20;
/// The node port range.
pub const NODE_PORTS: std::ops::RangeInclusive<i32> = 30000..=32767;

fn ip_string(n: u32) -> String {
    format!("{}.{}.{}.{}", n >> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255)
}

/// The `n`-th address of the service CIDR (1 is the `kubernetes` Service, 10 kube-dns).
pub fn service_ip(n: u32) -> String {
    ip_string(SERVICE_BASE + n)
}

/// Defaults as pkg/apis/core/v1/defaults.go sets them for Services.
pub fn default_service(svc: &mut Service) {
    let s = &mut svc.spec;
    let type_ = s.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
    if type_ == "ExternalName" {
        return;
    }
    s.session_affinity.get_or_insert_with(|| "None".into());
    if s.session_affinity.as_deref() == Some("ClientIP") {
        // SetDefaults_Service: ClientIP affinity lasts three hours unless told otherwise.
        let config = s.session_affinity_config.get_or_insert_with(Default::default);
        config.client_ip.get_or_insert_with(Default::default).timeout_seconds.get_or_insert(crate::api::DEFAULT_CLIENT_IP_TIMEOUT_SECONDS);
    }
    s.internal_traffic_policy.get_or_insert_with(|| "Cluster".into());
    if matches!(type_.as_str(), "NodePort" | "LoadBalancer") {
        s.external_traffic_policy.get_or_insert_with(|| "Cluster".into());
    }
    if s.ip_families.is_empty() {
        s.ip_families = vec!["IPv4".into()];
    }
    s.ip_family_policy.get_or_insert_with(|| "SingleStack".into());
    for p in &mut s.ports {
        p.protocol.get_or_insert_with(|| "TCP".into());
        p.target_port.get_or_insert(IntOrString::Int(p.port));
    }
}

/// Models ValidateService for the fields kubeplay serves; returns `field: message` lines.
pub fn validate_service(svc: &Service) -> Vec<String> {
    let mut errs = Vec::new();
    let type_ = svc.type_name();
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&type_) {
        errs.push(format!("spec.type: Unsupported value: {type_:?}: supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""));
        return errs;
    }
    if let Some(t) = svc.spec.session_affinity_config.as_ref().and_then(|c| c.client_ip.as_ref()).and_then(|c| c.timeout_seconds).filter(|t| !(1..=86400).contains(t)) {
        errs.push(format!("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: {t}: must be greater than 0 and less than 86400"));
    }
    let headless = svc.spec.cluster_ip.as_deref() == Some("None");
    if svc.spec.ports.is_empty() && type_ != "ExternalName" && !headless {
        errs.push("spec.ports: Required value".into());
    }
    for (i, p) in svc.spec.ports.iter().enumerate() {
        if svc.spec.ports.len() > 1 && p.name.as_deref().unwrap_or("").is_empty() {
            errs.push(format!("spec.ports[{i}].name: Required value"));
        }
        if !(1..=65535).contains(&p.port) {
            errs.push(format!("spec.ports[{i}].port: Invalid value: {}: must be between 1 and 65535, inclusive", p.port));
        }
        if let Some(IntOrString::Int(t)) = &p.target_port {
            if !(1..=65535).contains(t) {
                errs.push(format!("spec.ports[{i}].targetPort: Invalid value: {t}: must be between 1 and 65535, inclusive"));
            }
        }
        if let Some(np) = p.node_port {
            if !svc.has_node_ports() {
                errs.push(format!("spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is '{type_}'"));
            } else if !NODE_PORTS.contains(&np) {
                errs.push(format!("spec.ports[{i}].nodePort: Invalid value: {np}: provided port is not in the valid range. The range of valid ports is 30000-32767"));
            }
        }
    }
    errs
}

/// Allocates what a new (or changed) Service lacks: its cluster IP, node ports and, for a
/// LoadBalancer, a simulated external IP. Requested values must be free.
pub fn allocate(store: &Store, rng: &mut Rng, svc: &mut Service) -> Vec<String> {
    let mut errs = Vec::new();
    if svc.type_name() == "ExternalName" {
        return errs;
    }
    // Every other Service (this one may be stored already, when it is updated).
    let key = (svc.metadata.namespace.clone(), svc.metadata.name.clone());
    let others: Vec<&Service> = store.list(Kind::Service, None).filter_map(Object::as_service).filter(|o| (o.metadata.namespace.clone(), o.metadata.name.clone()) != key).collect();
    let ips_in_use: Vec<&str> = others.iter().filter_map(|o| o.spec.cluster_ip.as_deref()).collect();
    match svc.spec.cluster_ip.clone().filter(|ip| !ip.is_empty()) {
        Some(ip) if ip == "None" => {}
        Some(ip) if ips_in_use.contains(&ip.as_str()) => {
            errs.push(format!("spec.clusterIPs: Invalid value: []string{{{ip:?}}}: failed to allocate IP {ip}: provided IP is already allocated"));
        }
        Some(_) => {}
        None => {
            // Random within the CIDR, past the addresses kubeadm reserves for itself.
            let ip = loop {
                let candidate = service_ip(11 + (rng.next_u64() % u64::from(SERVICE_SIZE - 12)) as u32);
                if !ips_in_use.contains(&candidate.as_str()) {
                    break candidate;
                }
            };
            svc.spec.cluster_ip = Some(ip);
        }
    }
    if let Some(ip) = svc.spec.cluster_ip.clone() {
        svc.spec.cluster_ips = vec![ip];
    }
    if svc.has_node_ports() {
        let mut used: Vec<i32> = others.iter().flat_map(|o| o.spec.ports.iter().filter_map(|p| p.node_port)).collect();
        for (i, p) in svc.spec.ports.iter_mut().enumerate() {
            match p.node_port {
                Some(np) if used.contains(&np) => errs.push(format!("spec.ports[{i}].nodePort: Invalid value: {np}: provided port is already allocated")),
                Some(np) => used.push(np),
                None => {
                    let span = (NODE_PORTS.end() - NODE_PORTS.start() + 1) as u64;
                    let np = loop {
                        let candidate = NODE_PORTS.start() + (rng.next_u64() % span) as i32;
                        if !used.contains(&candidate) {
                            break candidate;
                        }
                    };
                    used.push(np);
                    p.node_port = Some(np);
                }
            }
        }
    } else {
        for p in &mut svc.spec.ports {
            p.node_port = None;
        }
    }
    if svc.type_name() == "LoadBalancer" && svc.status.load_balancer.ingress.is_empty() {
        // A simulated cloud load balancer (as MetalLB on kind hands out): 172.18.255.200 upward.
        let taken = others.iter().filter(|o| !o.status.load_balancer.ingress.is_empty()).count() as u32;
        let ip = ip_string((172 << 24) | (18 << 16) | (255 << 8) | (200 + taken.min(55)));
        svc.status.load_balancer.ingress = vec![LoadBalancerIngress { ip: Some(ip) }];
    }
    errs
}

/// For an update: keeps the cluster IP and the node ports the Service already had,
/// unless the new spec sets them.
pub fn keep_allocations(old: &Service, new: &mut Service) {
    if new.spec.cluster_ip.as_deref().is_none_or(str::is_empty) {
        new.spec.cluster_ip = old.spec.cluster_ip.clone();
        new.spec.cluster_ips = old.spec.cluster_ips.clone();
    }
    if new.has_node_ports() {
        for p in &mut new.spec.ports {
            if p.node_port.is_none() {
                p.node_port = old.spec.ports.iter().find(|o| o.port == p.port && o.protocol == p.protocol).and_then(|o| o.node_port);
            }
        }
    }
    if new.type_name() == old.type_name() {
        new.status = old.status.clone();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{ServicePort, ServiceSpec};

    fn svc(type_: &str, ports: &[(i32, Option<i32>)]) -> Service {
        Service {
            spec: Box::new(ServiceSpec {
                type_: Some(type_.into()),
                ports: ports.iter().map(|&(port, node_port)| ServicePort { port, node_port, ..Default::default() }).collect(),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn defaults_fill_protocol_target_port_and_policies() {
        let mut s = svc("NodePort", &[(80, None)]);
        default_service(&mut s);
        assert_eq!(s.spec.ports[0].protocol.as_deref(), Some("TCP"));
        assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(80)));
        assert_eq!(s.spec.session_affinity.as_deref(), Some("None"));
        assert_eq!(s.spec.external_traffic_policy.as_deref(), Some("Cluster"));
    }

    #[test]
    fn validation_messages() {
        let mut sticky = svc("ClusterIP", &[(80, None)]);
        sticky.spec.session_affinity_config = Some(crate::api::SessionAffinityConfig { client_ip: Some(crate::api::ClientIPConfig { timeout_seconds: Some(0) }) });
        assert_eq!(validate_service(&sticky), ["spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400"]);
        assert_eq!(validate_service(&svc("ClusterIP", &[])), vec!["spec.ports: Required value"]);
        assert_eq!(validate_service(&svc("Foo", &[(80, None)]))[0], "spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"");
        assert_eq!(validate_service(&svc("ClusterIP", &[(80, Some(30080))])), vec!["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]);
        assert_eq!(
            validate_service(&svc("NodePort", &[(80, Some(80))])),
            vec!["spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"]
        );
        assert_eq!(validate_service(&svc("NodePort", &[(80, None), (81, None)])), vec!["spec.ports[0].name: Required value", "spec.ports[1].name: Required value"]);
        assert_eq!(validate_service(&svc("ClusterIP", &[(0, None)])), vec!["spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive"]);
    }

    #[test]
    fn allocation_stays_in_range_and_avoids_collisions() {
        let store = Store::default();
        let mut rng = Rng::new(7);
        for _ in 0..50 {
            let mut s = svc("NodePort", &[(80, None)]);
            assert!(allocate(&store, &mut rng, &mut s).is_empty());
            let ip = s.spec.cluster_ip.clone().unwrap();
            let octets: Vec<u32> = ip.split('.').map(|o| o.parse().unwrap()).collect();
            assert!(octets[0] == 10 && (96..112).contains(&octets[1]), "{ip}");
            assert!(NODE_PORTS.contains(&s.spec.ports[0].node_port.unwrap()));
        }
    }
}
