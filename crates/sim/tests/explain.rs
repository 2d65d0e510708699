//! `kubectl explain`: the layout of kubectl v1.28's plaintext explain (OpenAPI v3 template),
//! byte for byte. Every expected text here was also produced by the real kubectl 1.28
//! binary, run against a stub API server on 127.0.0.1 that served kubeplay's schema as
//! an OpenAPI v3 document (the descriptions are kubeplay's own).

use kubeplay_sim::kubectl::{run, CommandOutput};
use kubeplay_sim::{Cluster, ClusterSettings};

fn explain(line: &str) -> CommandOutput {
    run(&mut Cluster::new(ClusterSettings::default()), line)
}

/// A kind: GROUP/KIND/VERSION, its description, each field with a TAB before its type.
#[test]
fn explain_of_a_kind_lists_its_fields_with_descriptions() {
    let out = explain("kubectl explain deploy");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "GROUP:      apps
KIND:       Deployment
VERSION:    v1

DESCRIPTION:
    Keeps a number of identical pods running and rolls out changes to them
    through ReplicaSets.
\x20\x20\x20\x20
FIELDS:
  apiVersion\t<string>
    The group and version this object is written in, e.g. apps/v1 or v1.

  kind\t<string>
    The object's type, in CamelCase, e.g. Deployment.

  metadata\t<ObjectMeta>
    Name, namespace, labels, annotations and the other data every object
    carries.

  spec\t<DeploymentSpec>
    What you want: the desired state, written by you.

  status\t<DeploymentStatus>
    What is: the observed state, written by the cluster. Read-only.


"
    );
}

/// The field's own description, then its type's; its fields below.
#[test]
fn explain_of_a_nested_field_shows_its_type_and_both_descriptions() {
    let out = explain("kubectl explain deploy.spec.strategy");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "GROUP:      apps
KIND:       Deployment
VERSION:    v1

FIELD: strategy <DeploymentStrategy>

DESCRIPTION:
    How pods of a new revision replace the old ones.
    How a Deployment replaces old pods with new ones.
\x20\x20\x20\x20
FIELDS:
  rollingUpdate\t<RollingUpdateDeployment>
    The limits of a rolling update; only with type RollingUpdate.

  type\t<string>
    RollingUpdate (the default): replace pods a few at a time; Recreate: stop
    all old pods first.


"
    );
}

/// Two columns deeper per level; required fields marked.
#[test]
fn explain_recursive_lists_every_field_nested_without_descriptions() {
    let out = explain("kubectl explain hpa.spec --recursive");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "GROUP:      autoscaling
KIND:       HorizontalPodAutoscaler
VERSION:    v2

FIELD: spec <HorizontalPodAutoscalerSpec>

DESCRIPTION:
    What you want: the desired state, written by you.
    The desired behaviour of an autoscaler.
\x20\x20\x20\x20
FIELDS:
  behavior\t<HorizontalPodAutoscalerBehavior>
    scaleDown\t<HPAScalingRules>
      policies\t<[]HPAScalingPolicy>
        periodSeconds\t<integer> -required-
        type\t<string> -required-
        value\t<integer> -required-
      selectPolicy\t<string>
      stabilizationWindowSeconds\t<integer>
    scaleUp\t<HPAScalingRules>
      policies\t<[]HPAScalingPolicy>
        periodSeconds\t<integer> -required-
        type\t<string> -required-
        value\t<integer> -required-
      selectPolicy\t<string>
      stabilizationWindowSeconds\t<integer>
  maxReplicas\t<integer> -required-
  metrics\t<[]MetricSpec>
    resource\t<ResourceMetricSource>
      name\t<string> -required-
      target\t<MetricTarget> -required-
        averageUtilization\t<integer>
        averageValue\t<Quantity>
        type\t<string> -required-
    type\t<string> -required-
  minReplicas\t<integer>
  scaleTargetRef\t<CrossVersionObjectReference> -required-
    apiVersion\t<string>
    kind\t<string> -required-
    name\t<string> -required-

"
    );
}

/// IntOrString is a type of its own, with a description.
#[test]
fn explain_of_a_scalar_field_has_no_fields_section() {
    let out = explain("kubectl explain svc.spec.ports.targetPort");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "KIND:       Service
VERSION:    v1

FIELD: targetPort <IntOrString>

DESCRIPTION:
    The pods' port, by number or by container port name. Defaults to port.
    A value that is either a whole number or a string, such as 1 or \"25%\" or
    \"http\".
\x20\x20\x20\x20

"
    );
}

/// Timestamps are strings with the Time description added.
#[test]
fn explain_of_a_timestamp_names_it_string() {
    let out = explain("kubectl explain pod.metadata.creationTimestamp");
    assert_eq!(out.exit_code, 0, "{out:?}");
    assert_eq!(
        out.stdout,
        "KIND:       Pod
VERSION:    v1

FIELD: creationTimestamp <string>

DESCRIPTION:
    When the object was stored. Set by the server; read-only.
    A point in time, written in RFC 3339 form (2024-05-01T12:00:00Z) and kept to
    the second.
\x20\x20\x20\x20

"
    );
}

/// Resource names as kubectl takes them: plural, singular, short name, kind, any case.
#[test]
fn every_name_of_a_resource_explains_the_same() {
    let want = explain("kubectl explain pods.spec.containers.ports").stdout;
    assert!(want.starts_with("KIND:       Pod\nVERSION:    v1\n\nFIELD: ports <[]ContainerPort>\n"), "{want}");
    for line in ["kubectl explain pod.spec.containers.ports", "kubectl explain po.spec.containers.ports", "kubectl explain Pod.spec.containers.ports", "kubectl explain pods.spec.containers.ports --api-version=v1"] {
        assert_eq!(explain(line).stdout, want, "{line}");
    }
    assert!(explain("kubectl explain deployments.spec.template").stdout.contains("FIELD: template <PodTemplateSpec>\n"));
}

/// An unknown field: the header is printed, then kubectl's error names the last word of the path.
#[test]
fn explain_of_an_unknown_field_fails_like_kubectl() {
    let out = explain("kubectl explain pod.spec.foo");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("KIND:       Pod\nVERSION:    v1\n\n", "error: field \"foo\" does not exist\n", 1));
    let out = explain("kubectl explain deploy.spec.replicas.x.y");
    assert_eq!((out.stderr.as_str(), out.exit_code), ("error: field \"y\" does not exist\n", 1), "past a scalar, kubectl names the last word");
}

/// An unknown resource type: kubectl 1.28's message has no `error:` prefix here.
#[test]
fn explain_of_an_unknown_resource_fails_like_kubectl() {
    let out = explain("kubectl explain foo");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str(), out.exit_code), ("", "the server doesn't have a resource type \"foo\"\n", 1));
    let out = explain("kubectl explain ingresses");
    assert_eq!(
        (out.stderr.as_str(), out.exit_code),
        ("kubeplay: a real cluster explains Ingress (networking.k8s.io/v1); kubeplay stores Ingress objects without simulating them and has no field descriptions for them\n", 1),
        "a kind kubeplay keeps (ours)"
    );
    assert_eq!(explain("kubectl explain").stderr, "error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
    assert_eq!(explain("kubectl explain pods nodes").stderr, "error: We accept only this format: explain RESOURCE\n");
}

/// `--api-version` must name the version the resource is served in.
#[test]
fn explain_api_version_errors() {
    assert_eq!(explain("kubectl explain deploy --api-version=apps/v2").stderr, "error: couldn't find resource for \"apps/v2, Resource=deployments\"\n");
    assert_eq!(explain("kubectl explain pods --api-version=apps/v1").stderr, "error: GVR (apps/v1, Resource=pods) not found in OpenAPI schema\n");
    assert_eq!(explain("kubectl explain deploy --api-version=apps/v1").exit_code, 0);
    assert_eq!(explain("kubectl explain deploy --output=bogus").stderr, "error: unrecognized format: bogus\n");
}

/// Real fields kubeplay does not simulate: listed in a note of kubeplay's own, and explained as such.
#[test]
fn fields_kubeplay_does_not_simulate_are_named_in_a_note() {
    let out = explain("kubectl explain pod.spec.containers.ports");
    assert_eq!(out.stderr, "kubeplay: ContainerPort also has these Kubernetes fields, which kubeplay accepts but does not simulate: hostIP, hostPort\n");
    let out = explain("kubectl explain pod.spec.volumes");
    assert_eq!((out.stdout.as_str(), out.exit_code), ("KIND:       Pod\nVERSION:    v1\n\n", 0));
    assert_eq!(out.stderr, "kubeplay: volumes is a field of PodSpec that kubeplay does not simulate: a real cluster explains it; here it is accepted and ignored\n");
}
