//! The Services of the cluster as a strip above the nodes: type, address, ports and
//! which pods answer (ready endpoints), so learners see a Service follow its pods.

use super::inspector::{opener, InspectHandle, Target};
use crate::hooks::use_objects;
use kubeplay_sim::api::{Endpoints, Kind, Service};
use yew::prelude::*;

/// The address line of a Service: `10.96.12.7:80 → :31234`.
fn address(svc: &Service) -> String {
    let ip = svc.spec.cluster_ip.clone().unwrap_or_else(|| "None".into());
    let ports: Vec<String> = svc
        .spec
        .ports
        .iter()
        .map(|p| match p.node_port {
            Some(np) => format!("{ip}:{} · node port {np}", p.port),
            None => format!("{ip}:{}", p.port),
        })
        .collect();
    ports.join(", ")
}

fn card(svc: &Service, ep: Option<&Endpoints>, inspect: Option<&InspectHandle>) -> Html {
    let ready: Vec<String> = ep.iter().flat_map(|e| &e.subsets).flat_map(|s| &s.addresses).filter_map(|a| a.target_ref.as_ref().map(|r| r.name.clone())).collect();
    let waiting = ep.iter().flat_map(|e| &e.subsets).map(|s| s.not_ready_addresses.len()).sum::<usize>();
    let selector: Vec<String> = svc.spec.selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let state = if svc.spec.selector.is_empty() { "manual" } else if ready.is_empty() { "empty" } else { "serving" };
    let target = Target { kind: Kind::Service, namespace: svc.metadata.namespace.clone().unwrap_or_default(), name: svc.metadata.name.clone() };
    let (onclick, onkeydown) = opener(inspect, target);
    html! {
        <li class={classes!("service", state)} tabindex="0" role="button" title="Click for details" {onclick} {onkeydown} data-testid="service" data-name={svc.metadata.name.clone()} data-namespace={svc.metadata.namespace.clone()} data-ready={ready.len().to_string()}>
            <header>
                <span class="svc-name">{ &svc.metadata.name }</span>
                <span class="badge">{ svc.type_name() }</span>
            </header>
            <div class="svc-address">{ address(svc) }</div>
            if !selector.is_empty() {
                <div class="svc-selector">{ format!("selects {}", selector.join(",")) }</div>
            }
            <div class="svc-endpoints">
                { if ready.is_empty() && !svc.spec.selector.is_empty() { html! { <span class="none">{"no ready pod: connections are refused"}</span> } } else { html! {} } }
                { for ready.iter().map(|p| html! { <span class="endpoint">{ super::node_list::name_html(p) }</span> }) }
                if waiting > 0 {
                    <span class="waiting">{ format!("+{waiting} not ready") }</span>
                }
            </div>
        </li>
    }
}

/// The Services the learner made (the default `kubernetes` and `kube-system` ones are left out).
#[function_component(ServiceList)]
pub fn service_list() -> Html {
    let inspect = use_context::<InspectHandle>();
    let services = use_objects(Kind::Service);
    let endpoints = use_objects(Kind::Endpoints);
    let shown: Vec<&Service> = services
        .objects
        .values()
        .filter_map(|o| o.as_service())
        .filter(|s| s.metadata.namespace.as_deref() != Some("kube-system") && !(s.metadata.name == "kubernetes" && s.metadata.namespace.as_deref() == Some("default")))
        .collect();
    if shown.is_empty() {
        return html! {};
    }
    html! {
        <ul class="services" aria-label="Services">
            { for shown.into_iter().map(|s| {
                let key = (s.metadata.namespace.clone().unwrap_or_default(), s.metadata.name.clone());
                card(s, endpoints.objects.get(&key).and_then(|o| o.as_endpoints()), inspect.as_ref())
            }) }
        </ul>
    }
}
