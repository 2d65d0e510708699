//! `kubectl --help`, `kubectl VERB -h`, `kubectl help [VERB]` and `kubectl options`, laid
//! out as kubectl lays out its help (summary, `Examples:`, `Available Commands:`,
//! `Options:`, `Usage:`). The descriptions are kubeplay's own words; the flag names,
//! shorthands and defaults are kubectl 1.28's, and each command lists exactly the flags
//! kubeplay accepts for it (the `allowed` table in the parent module).

use super::CommandOutput;

/// One flag's documentation: long name, shorthand (`""` when none), default as kubectl
/// prints it, and what it does.
type FlagDoc = (&'static str, &'static str, &'static str, &'static str);

/// The flags' shared documentation, by long name.
const FLAGS: &[FlagDoc] = &[
    ("--all", "", "false", "Act on every object of the resource type in the namespace."),
    ("--all-containers", "", "false", "Print the logs of every container of the pod, one after the other."),
    ("--all-namespaces", "-A", "false", "Look in every namespace instead of only the current one."),
    ("--allow-missing-template-keys", "", "true", "With -o go-template or jsonpath: a missing field prints <no value> (go-template) or nothing (jsonpath); false makes it an error."),
    ("--api-version", "", "''", "The API group and version to explain the resource in, e.g. apps/v1; it must be the one the resource is served in."),
    ("--command", "", "false", "Use the words after -- as the container's command instead of as arguments to the image's own entrypoint."),
    ("--container", "-c", "''", "Which container of the pod to use; by default the first one."),
    ("--containers", "", "false", "Show each container's usage instead of each pod's total."),
    ("--cpu-percent", "", "-1", "Average CPU use the autoscaler aims for, as a percentage of the pods' CPU requests (-1: the default of 80)."),
    ("--current", "", "false", "Change the context in use rather than a named one."),
    ("--delete-emptydir-data", "", "false", "Also evict pods with emptyDir volumes, whose data is then lost."),
    ("--docker-email", "", "''", "The email address kept with the registry credentials (optional)."),
    ("--docker-password", "", "''", "The password for the registry."),
    ("--docker-server", "", "'https://index.docker.io/v1/'", "The registry the credentials are for."),
    ("--docker-username", "", "''", "The user name for the registry."),
    ("--dry-run", "", "'none'", "none sends the change; client only prints the object that would be sent; server lets the API server check it without storing it."),
    ("--env", "", "[]", "An environment variable for the container, as NAME=VALUE; repeat for more."),
    ("--expose", "", "false", "Also create a ClusterIP Service in front of the pod, on the port given with --port."),
    ("--field-selector", "", "''", "Only objects whose fields match, e.g. status.phase=Running or spec.nodeName=node-1 (=, == and != joined by commas; each kind allows a few fields)."),
    ("--filename", "-f", "[]", "A manifest file, a folder of manifests, or - for standard input; repeat for more."),
    ("--flatten", "", "false", "Put the contents of referenced files (certificates, keys) into the printed kubeconfig."),
    ("--follow", "-f", "false", "Keep printing new lines as the container writes them, until it stops."),
    ("--for", "", "''", "What to wait for: delete, condition=NAME[=VALUE] (a status condition, VALUE true by default) or jsonpath='{EXPRESSION}'=VALUE."),
    ("--force", "", "false", "Together with --grace-period=0: remove the object from the API at once, without waiting for its containers to stop."),
    ("--from-file", "", "[]", "A key taken from a file: the file's name is the key and its content the value (or key=path); a directory gives a key for each of its files; repeat for more."),
    ("--from-env-file", "", "[]", "A file of KEY=value lines, one key a line (# starts a comment); repeat for more. It cannot be combined with --from-file or --from-literal."),
    ("--from-literal", "", "[]", "A key and its value given on the command line, as key=value; repeat for more."),
    ("--from", "", "''", "A ConfigMap or Secret (configmap/NAME, secret/NAME) whose keys become variables read from it."),
    ("--grace-period", "", "-1", "Seconds a pod gets to shut down cleanly; -1 keeps the pod's own setting, 0 with --force removes it at once."),
    ("--external-name", "", "''", "The DNS name outside the cluster the Service stands for."),
    ("--clusterip", "", "''", "The cluster IP to ask for; None makes a headless Service."),
    ("--hard", "", "''", "The quota's limits as resource=quantity pairs, separated by commas (pods=10,requests.cpu=2)."),
    ("--ignore-daemonsets", "", "false", "Go ahead even though DaemonSet pods run on the node; they stay where they are."),
    ("--image", "", "''", "The container image to run."),
    ("--image-pull-policy", "", "''", "When the kubelet pulls the image: Always, IfNotPresent or Never (empty: the server's default for the tag)."),
    ("--append-hash", "", "false", "Add a hash of the object's data to its name, so that changed data makes a new object."),
    ("--annotations", "", "[]", "An annotation for the pod, as key=value; repeat for more."),
    ("--keys", "", "[]", "With --from, only these keys (separated by commas)."),
    ("--label-columns", "-L", "[]", "Add a column for each of these label keys (comma-separated), headed by the key's last part in capitals."),
    ("--client", "", "false", "Print only the client's version."),
    ("--ignore-not-found", "", "false", "Say nothing about objects that do not exist."),
    ("--sum", "", "false", "Add a row with the pods' total CPU and memory."),
    ("--show-capacity", "", "false", "Give the percentages of the node's whole capacity instead of what is allocatable to pods."),
    ("--show-kind", "", "false", "Put each object's kind before its name (pod/web), as when several kinds are listed."),
    ("--api-group", "", "''", "Only the resources of this API group (apps, batch ...; '' for the core group)."),
    ("--namespaced", "", "true", "Only namespaced resources; --namespaced=false: only cluster-wide ones. Without the flag, both."),
    ("--cascade", "", "'background'", "What becomes of the objects this one owns: background or foreground deletes them too, orphan keeps them."),
    ("--current-replicas", "", "-1", "Scale only if the object now wants this many replicas (-1: whatever it wants)."),
    ("--cert", "", "''", "The PEM file holding the certificate (its chain may follow it)."),
    ("--key", "", "''", "The PEM file holding the certificate's private key."),
    ("--labels", "-l", "''", "Labels for the new object, as key=value pairs separated by commas."),
    ("--limits", "", "''", "Resource limits to set, e.g. cpu=200m,memory=256Mi."),
    ("--max", "", "-1", "The largest number of pods the autoscaler may run (required)."),
    ("--min", "", "-1", "The smallest number of pods the autoscaler keeps (-1: the server's default of 1)."),
    ("--minify", "", "false", "Show only the parts of the kubeconfig the current context uses."),
    ("--name", "", "''", "The name of the object to create; by default the name of the one it is made from."),
    ("--list", "", "false", "Print the containers' variables (those read from a ConfigMap or Secret as comments) instead of changing them."),
    ("--no-headers", "", "false", "Leave out the header line of tables."),
    ("--node-port", "", "0", "The port every node opens for the Service (30000-32767; 0: one is picked)."),
    ("--now", "", "false", "Ask the object to stop right away (a grace period of 1 second)."),
    ("--output", "-o", "''", "How to print the result: json, yaml or name (get also takes wide and custom-columns=SPEC; and with a template jsonpath=TEMPLATE, go-template=TEMPLATE, or jsonpath-file=FILE and go-template-file=FILE)."),
    ("--overwrite", "", "false", "Allow replacing a value that is already set."),
    ("--patch", "-p", "''", "The patch to apply, as JSON or YAML text."),
    ("--port", "", "''", "The port the container listens on."),
    ("--prefix", "", "''", "Put this in front of the names of the variables --from adds."),
    ("--previous", "-p", "false", "Show what the container's previous run printed (after a restart)."),
    ("--protocol", "", "''", "The protocol of the Service's port: TCP (when empty), UDP or SCTP."),
    ("--raw", "", "''", "Send a GET for this API path and print the server's answer as it is."),
    ("--save-config", "", "false", "Keep the object's configuration in its last-applied annotation, so a later kubectl apply can merge with it."),
    ("--record", "", "false", "Note the command in the kubernetes.io/change-cause annotation (deprecated)."),
    ("--recursive", "-R", "false", "With a folder in -f, read its subfolders too."),
    ("--replicas", "", "0", "The number of pods wanted."),
    ("--requests", "", "''", "Resource requests to set, e.g. cpu=100m,memory=128Mi."),
    ("--restart", "", "'Always'", "The pod's restart policy: Always, OnFailure or Never."),
    ("--revision", "", "0", "Which revision to show (0: the latest)."),
    ("--sort-by", "", "''", "Order the rows by a field, given as a JSONPath such as .metadata.creationTimestamp (top: cpu or memory, the largest first)."),
    ("--tcp", "", "[]", "A port of the Service as port or port:targetPort; repeat or separate by commas for more."),
    ("--selector", "-l", "''", "Only objects whose labels match this query, e.g. app=web, tier!=db or 'env in (dev,test)'."),
    ("--show-events", "", "true", "List the events about the object at the end."),
    ("--show-labels", "", "false", "Add a LABELS column with each object's labels."),
    ("--stdin", "-i", "false", "Connect standard input to the container (with -t: an interactive shell)."),
    ("--template", "", "''", "The template of -o go-template or jsonpath, or with go-template-file and jsonpath-file a file's name; alone, it means -o go-template."),
    ("--tail", "", "-1", "Show only this many of the latest lines (-1: all of them)."),
    ("--target-port", "", "''", "The container port the Service sends traffic to; by default the same as --port."),
    ("--timeout", "", "0s", "How long to wait before giving up, with a unit (30s, 5m); 0 waits without a limit."),
    ("--to-revision", "", "0", "The revision to go back to (0: the one before the current)."),
    ("--tty", "-t", "false", "Give the container a terminal (together with -i for a shell)."),
    ("--type", "", "''", "The type of the object to create."),
    ("--types", "", "[]", "Only events of these types: Normal, Warning, or both separated by a comma."),
    ("--validate", "", "'strict'", "How to check manifests against the schema: strict refuses unknown fields, warn only reports them, ignore skips the check."),
    ("--wait", "", "true", "Return only once the objects are really gone."),
    ("--watch", "-w", "false", "After the first listing, print a line for every change."),
];

/// Where a command's flag differs from [`FLAGS`]: (command, long name, shorthand,
/// default, description); `"-"` keeps the shared value.
const VARIANTS: &[(&str, &str, &str, &str, &str)] = &[
    ("create deployment", "--image", "-", "[]", "-"),
    ("create deployment", "--port", "-", "-1", "-"),
    ("create deployment", "--replicas", "-r", "1", "How many pods the Deployment runs."),
    ("create secret generic", "--type", "-", "-", "The Secret's type (Opaque when empty)."),
    ("config view", "--output", "-", "'yaml'", "-"),
    ("version", "--output", "-", "-", "Print the versions as json or yaml instead of one line each."),
    ("api-resources", "--output", "-", "-", "name prints only each resource's name (with its group), one a line."),
    ("api-resources", "--sort-by", "-", "-", "Order the list by name or by kind instead of by group."),
    ("events", "--for", "-", "-", "Only the events about this object, as KIND/NAME (e.g. pod/web-0 or deployment/web)."),
    ("set env", "--containers", "-c", "'*'", "The containers to change, by name ('*' for all)."),
    ("set env", "--overwrite", "-", "true", "Allow replacing a variable that is already set (false refuses to)."),
    ("wait", "--timeout", "-", "30s", "How long to wait for each object before giving up; 0 checks once, a negative value waits a week."),
    ("explain", "--output", "", "'plaintext'", "plaintext, or plaintext-openapiv2 for the older layout."),
    ("explain", "--recursive", "", "-", "List the fields of the fields too, as a tree."),
    ("config view", "--raw", "-", "false", "Show certificates and tokens instead of leaving them out."),
    ("config get-contexts", "--output", "-", "-", "Print only the context names with -o name."),
    ("delete", "--force", "-", "-", "Together with --grace-period=0: remove the object from the API at once, without waiting for its containers to stop."),
    ("drain", "--force", "-", "-", "Also evict pods that no controller would create again."),
    ("drain", "--timeout", "-", "-", "How long to wait for the evicted pods to stop; 0 waits without a limit."),
    ("replace", "--force", "-", "-", "Delete the object and create it again instead of updating it in place."),
    ("expose", "--port", "-", "-", "The port the new Service listens on; by default the one the exposed object declares."),
    ("expose", "--selector", "", "-", "The label selector of the new Service; by default the exposed object's."),
    ("expose", "--type", "-", "-", "The Service type: ClusterIP (when empty), NodePort, LoadBalancer or ExternalName."),
    ("expose", "--name", "-", "-", "The name of the new Service; by default the exposed object's name."),
    ("patch", "--type", "-", "'strategic'", "The kind of patch: strategic, merge or json."),
    ("rollout status", "--watch", "-", "true", "Keep printing progress until the rollout is done; --watch=false prints the state once."),
    ("rollout status", "--revision", "-", "-", "Follow this revision only, failing if a newer one replaces it (0: the latest)."),
    ("rollout history", "--revision", "-", "-", "Show the pod template of this revision."),
    ("set resources", "--container", "-", "-", "Which containers to change (a name); by default all of them."),
    ("scale", "--replicas", "", "-", "-"),
];

/// Flags a command accepts without showing them: kubeplay's aliases and the flags it
/// accepts only to explain that kubectl dropped them.
const HIDDEN: &[(&str, &str)] = &[("run", "--selector"), ("run", "--replicas")];

/// A command's help: its words (`rollout status`), summary, examples (comment,
/// command), usage line, and the flags it shows (`None`: all of its verb's).
struct Command {
    path: &'static str,
    summary: &'static str,
    examples: &'static [(&'static str, &'static str)],
    usage: &'static str,
    flags: Option<&'static [&'static str]>,
}

const fn cmd(path: &'static str, summary: &'static str, examples: &'static [(&'static str, &'static str)], usage: &'static str, flags: Option<&'static [&'static str]>) -> Command {
    Command { path, summary, examples, usage, flags }
}

const NONE: Option<&[&str]> = Some(&[]);

/// Every command kubeplay answers, in kubectl's order of groups.
const COMMANDS: &[Command] = &[
    cmd("create", "Make objects from manifest files, or with one of the generators below", &[("Create everything described in a manifest", "kubectl create -f web.yaml"), ("Show the Deployment a generator would make, without creating it", "kubectl create deployment web --image=nginx --dry-run=client -o yaml")], "kubectl create -f FILENAME [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--filename", "--output", "--recursive", "--save-config", "--template", "--validate"])),
    cmd("create deployment", "Make a Deployment running one image", &[("Run three nginx pods under a Deployment named web", "kubectl create deployment web --image=nginx --replicas=3 --port=80")], "kubectl create deployment NAME --image=image -- [COMMAND] [args...] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--image", "--output", "--port", "--replicas", "--save-config", "--template", "--validate"])),
    cmd("create namespace", "Make a Namespace", &[("Make a namespace for a team", "kubectl create namespace team-a")], "kubectl create namespace NAME [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--output", "--save-config", "--template", "--validate"])),
    cmd("create configmap", "Make a ConfigMap from literal values or files", &[("Two settings given inline", "kubectl create configmap web-config --from-literal=mode=debug --from-literal=color=blue"), ("A whole file as one key", "kubectl create configmap nginx-conf --from-file=nginx.conf")], "kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--append-hash", "--dry-run", "--from-env-file", "--from-file", "--from-literal", "--output", "--save-config", "--template", "--validate"])),
    cmd("create secret", "Make a Secret", &[("A password given inline", "kubectl create secret generic db-pass --from-literal=password=s3cret")], "kubectl create secret (docker-registry | generic | tls) [options]", NONE),
    cmd("create secret docker-registry", "Make a Secret with the credentials of a container registry, for pods' imagePullSecrets", &[("Log in to a private registry", "kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=ana --docker-password=s3cret")], "kubectl create secret docker-registry NAME --docker-username=user --docker-password=password --docker-email=email [--docker-server=string] [--from-file=[key=]source] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--append-hash", "--docker-email", "--docker-password", "--docker-server", "--docker-username", "--dry-run", "--from-file", "--output", "--save-config", "--template", "--validate"])),
    cmd("create secret generic", "Make a Secret from literal values or files", &[("A password given inline", "kubectl create secret generic db-pass --from-literal=password=s3cret")], "kubectl create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--append-hash", "--dry-run", "--from-env-file", "--from-file", "--from-literal", "--output", "--save-config", "--template", "--type", "--validate"])),
    cmd("create secret tls", "Make a kubernetes.io/tls Secret from a certificate and its private key, which must be a pair", &[("A Secret for an Ingress to serve HTTPS with", "kubectl create secret tls web-tls --cert=tls.crt --key=tls.key")], "kubectl create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--append-hash", "--cert", "--dry-run", "--key", "--output", "--save-config", "--template", "--validate"])),
    cmd("create job", "Make a Job that runs an image to completion", &[("Print a greeting once", "kubectl create job hello --image=busybox -- echo hello")], "kubectl create job NAME --image=image -- [COMMAND] [args...] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--image", "--output", "--save-config", "--template", "--validate"])),
    cmd("create quota", "Make a ResourceQuota", &[("At most ten pods and two CPUs of requests in the namespace", "kubectl create quota team-budget --hard=pods=10,requests.cpu=2")], "kubectl create quota NAME [--hard=key1=value1,key2=value2] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--hard", "--output", "--save-config", "--template", "--validate"])),
    cmd("create serviceaccount", "Make a ServiceAccount, an identity for pods", &[("An identity for the build pods", "kubectl create serviceaccount build-bot")], "kubectl create serviceaccount NAME [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--output", "--save-config", "--template", "--validate"])),
    cmd("create service", "Make a Service of one type", &[("A ClusterIP Service on port 80 for the pods labelled app=web, sending to their port 8080", "kubectl create service clusterip web --tcp=80:8080")], "kubectl create service (clusterip|nodeport|loadbalancer|externalname) [flags] [options]", NONE),
    cmd("create service clusterip", "Make a ClusterIP Service for the pods labelled app=NAME", &[("Port 80 of the Service sends to port 8080 of the pods", "kubectl create service clusterip web --tcp=80:8080"), ("A headless Service (no cluster IP)", "kubectl create service clusterip web --clusterip=None")], "kubectl create service clusterip NAME [--tcp=<port>:<targetPort>] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--clusterip", "--dry-run", "--output", "--save-config", "--tcp", "--template", "--validate"])),
    cmd("create service nodeport", "Make a NodePort Service for the pods labelled app=NAME", &[("Reachable on every node's port 30080", "kubectl create service nodeport web --tcp=80:8080 --node-port=30080")], "kubectl create service nodeport NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--node-port", "--output", "--save-config", "--tcp", "--template", "--validate"])),
    cmd("create service loadbalancer", "Make a LoadBalancer Service for the pods labelled app=NAME", &[("A load balancer on port 80", "kubectl create service loadbalancer web --tcp=80:8080")], "kubectl create service loadbalancer NAME [--tcp=port:targetPort] [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--output", "--save-config", "--tcp", "--template", "--validate"])),
    cmd("create service externalname", "Make an ExternalName Service: a DNS alias for a name outside the cluster", &[("web.default.svc answers with example.com", "kubectl create service externalname web --external-name=example.com")], "kubectl create service externalname NAME --external-name external.name [--dry-run=server|client|none] [options]", Some(&["--allow-missing-template-keys", "--dry-run", "--external-name", "--output", "--save-config", "--tcp", "--template", "--validate"])),
    cmd("expose", "Make a Service for the pods of a Deployment, ReplicaSet, pod or Service", &[("A Service on port 80 for the pods of the web Deployment", "kubectl expose deployment web --port=80"), ("The same, reachable on every node's port", "kubectl expose deployment web --port=80 --type=NodePort")], "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--type=type] [options]", None),
    cmd("run", "Start a single pod running an image", &[("An nginx pod named web", "kubectl run web --image=nginx --port=80"), ("A pod that prints the date once and stops", "kubectl run once --image=busybox --restart=Never -- date")], "kubectl run NAME --image=image [--env=\"key=value\"] [--port=port] [--dry-run=server|client] [--command] -- [COMMAND] [args...] [options]", None),
    cmd("set", "Change a field of objects that have a pod template", &[("Move the web Deployment's nginx container to a newer image", "kubectl set image deployment/web nginx=nginx:1.26")], "kubectl set SUBCOMMAND [options]", NONE),
    cmd("set env", "Set, remove or list environment variables in the containers of a pod template", &[("Set two variables in the web Deployment (a new rollout)", "kubectl set env deployment/web MODE=debug COLOR=blue"), ("Remove one", "kubectl set env deployment/web COLOR-"), ("Read every key of a ConfigMap as a variable", "kubectl set env deployment/web --from=configmap/web-config"), ("List the variables", "kubectl set env deployment/web --list")], "kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N [options]", Some(&["--all", "--containers", "--from", "--keys", "--list", "--overwrite", "--prefix", "--selector"])),
    cmd("set image", "Change the image of containers in a pod template", &[("Move the nginx container of the web Deployment to nginx:1.26", "kubectl set image deployment/web nginx=nginx:1.26")], "kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]", Some(&["--all", "--selector"])),
    cmd("set resources", "Change the CPU and memory requests and limits in a pod template", &[("Give every container of web a CPU request and limit", "kubectl set resources deployment web --requests=cpu=100m --limits=cpu=200m")], "kubectl set resources (-f FILENAME | TYPE NAME) ([--limits=LIMITS & --requests=REQUESTS] [options]", Some(&["--all", "--container", "--limits", "--requests", "--selector"])),
    cmd("explain", "Describe the fields of a resource type", &[("What a pod's spec may hold", "kubectl explain pod.spec")], "kubectl explain TYPE [--recursive=FALSE|TRUE] [--api-version=api-version-group] [--output=plaintext|plaintext-openapiv2] [options]", None),
    cmd("get", "List objects, or show one in detail", &[("Pods of the current namespace, with their node and IP", "kubectl get pods -o wide"), ("One Deployment as YAML", "kubectl get deployment web -o yaml"), ("Pods labelled app=web, printing a line each time one changes", "kubectl get pods -l app=web -w"), ("The names of the pods, one a line", "kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'")], "kubectl get [(-o|--output=)json|yaml|name|wide|jsonpath=...|go-template=...|go-template-file=...|custom-columns=...] (TYPE [NAME | -l label] | TYPE/NAME ...) [flags] [options]", None),
    cmd("edit", "Change an object in an editor", &[("Open the web Deployment for editing", "kubectl edit deployment web")], "kubectl edit (RESOURCE/NAME | -f FILENAME) [options]", None),
    cmd("delete", "Delete objects named on the command line, selected by labels, or described in files", &[("Delete a pod and wait until it has stopped", "kubectl delete pod web"), ("Delete what a manifest describes, without waiting", "kubectl delete -f web.yaml --wait=false"), ("Delete every pod labelled app=web", "kubectl delete pods -l app=web")], "kubectl delete ([-f FILENAME] | TYPE [(NAME | -l label | --all)]) [options]", None),
    cmd("rollout", "Follow, pause, restart or undo the rollout of a Deployment", &[("Wait for the web Deployment's rollout to finish", "kubectl rollout status deployment/web"), ("Go back to the previous revision", "kubectl rollout undo deployment/web")], "kubectl rollout SUBCOMMAND [options]", NONE),
    cmd("rollout history", "List a Deployment's revisions", &[("The revisions of web", "kubectl rollout history deployment/web")], "kubectl rollout history (TYPE NAME | TYPE/NAME) [flags] [options]", Some(&["--revision"])),
    cmd("rollout pause", "Stop a Deployment from rolling out changes to its template", &[("Hold web while changing several things", "kubectl rollout pause deployment/web")], "kubectl rollout pause RESOURCE [options]", NONE),
    cmd("rollout restart", "Replace every pod of a Deployment through a new rollout", &[("New pods for web", "kubectl rollout restart deployment/web")], "kubectl rollout restart RESOURCE [options]", NONE),
    cmd("rollout resume", "Let a paused Deployment roll out again", &[("Roll out what changed while web was paused", "kubectl rollout resume deployment/web")], "kubectl rollout resume RESOURCE [options]", NONE),
    cmd("wait", "Wait until objects meet a condition, are deleted, or a field has a value", &[("Wait until a Deployment is available", "kubectl wait --for=condition=available deployment/web --timeout=60s"), ("Wait until every pod labelled app=web is ready", "kubectl wait --for=condition=Ready pod -l app=web"), ("Wait until a pod is gone", "kubectl wait --for=delete pod/web-0"), ("Wait until a field has a value", "kubectl wait --for=jsonpath='{.status.phase}'=Running pod/web-0")], "kubectl wait ([-f FILENAME] | resource.group/resource.name | resource.group [(-l label | --all)]) [--for=delete|--for condition=available|--for=jsonpath='{}'=value] [options]", Some(&["--all", "--filename", "--for", "--recursive", "--selector", "--timeout"])),
    cmd("rollout status", "Wait for a rollout to finish, printing its progress", &[("Follow the web Deployment until its new pods are available", "kubectl rollout status deployment/web")], "kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]", Some(&["--revision", "--timeout", "--watch"])),
    cmd("rollout undo", "Go back to an earlier revision", &[("Back to revision 1", "kubectl rollout undo deployment/web --to-revision=1")], "kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]", Some(&["--to-revision"])),
    cmd("scale", "Change the number of replicas of a Deployment or ReplicaSet", &[("Run five pods of web", "kubectl scale deployment web --replicas=5")], "kubectl scale --replicas=COUNT (-f FILENAME | TYPE NAME) [options]", None),
    cmd("autoscale", "Make a HorizontalPodAutoscaler for a Deployment or ReplicaSet", &[("Between two and ten pods of web, aiming at 50% CPU", "kubectl autoscale deployment web --min=2 --max=10 --cpu-percent=50")], "kubectl autoscale (-f FILENAME | TYPE NAME | TYPE/NAME) [--min=MINPODS] --max=MAXPODS [--cpu-percent=CPU] [options]", None),
    cmd("cluster-info", "Show where the control plane and cluster services answer", &[("The API server's address", "kubectl cluster-info")], "kubectl cluster-info [flags] [options]", None),
    cmd("top", "Show the CPU and memory pods or nodes use (from metrics-server)", &[("Usage of the pods in the current namespace", "kubectl top pods")], "kubectl top [flags] [options]", NONE),
    cmd("top node", "Show the CPU and memory each node uses", &[("Every node", "kubectl top nodes")], "kubectl top node [NAME | -l label] [options]", Some(&["--no-headers", "--selector", "--show-capacity", "--sort-by"])),
    cmd("top pod", "Show the CPU and memory pods use", &[("Each container of the web pods", "kubectl top pods -l app=web --containers")], "kubectl top pod [NAME | -l label] [options]", Some(&["--all-namespaces", "--containers", "--no-headers", "--selector", "--sort-by", "--sum"])),
    cmd("cordon", "Stop the scheduler from placing new pods on a node", &[("Keep new pods off node-1", "kubectl cordon node-1")], "kubectl cordon NODE [options]", None),
    cmd("uncordon", "Let the scheduler place pods on a node again", &[("Open node-1 again", "kubectl uncordon node-1")], "kubectl uncordon NODE [options]", None),
    cmd("drain", "Cordon a node and evict its pods, before maintenance", &[("Empty node-1, leaving DaemonSet pods alone", "kubectl drain node-1 --ignore-daemonsets")], "kubectl drain NODE [options]", None),
    cmd("taint", "Add or remove taints on nodes", &[("Keep pods without a matching toleration off node-1", "kubectl taint nodes node-1 dedicated=db:NoSchedule"), ("Remove that taint again", "kubectl taint nodes node-1 dedicated=db:NoSchedule-")], "kubectl taint NODE NAME KEY_1=VAL_1:TAINT_EFFECT_1 ... KEY_N=VAL_N:TAINT_EFFECT_N [options]", None),
    cmd("events", "List a namespace's events, oldest first, with how often each repeated", &[("Everything that happened in the namespace", "kubectl events"), ("Only the warnings, in every namespace", "kubectl events -A --types=Warning"), ("The events of one Deployment", "kubectl events --for deployment/web")], "kubectl events [(-o|--output=)json|yaml|name|go-template|jsonpath] [--for TYPE/NAME] [--watch] [options]", Some(&["--all-namespaces", "--for", "--no-headers", "--output", "--types", "--watch"])),
    cmd("describe", "Show an object in detail, with its recent events", &[("Everything about one pod", "kubectl describe pod web"), ("Every node", "kubectl describe nodes")], "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME) [options]", None),
    cmd("logs", "Print what a container of a pod wrote", &[("The web pod's log", "kubectl logs web"), ("Keep printing new lines of one of the Deployment's pods", "kubectl logs -f deployment/web"), ("The last 20 lines of the previous run of a crashing container", "kubectl logs web -p --tail=20")], "kubectl logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER] [options]", None),
    cmd("exec", "Run a command in a container", &[("The hostname the pod sees", "kubectl exec web -- hostname"), ("A shell in one of the Deployment's pods; exit leaves it", "kubectl exec -it deploy/web -- sh")], "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...] [options]", None),
    cmd("port-forward", "Forward a port of this machine to a pod", &[("Local port 8080 to port 80 of the web pod", "kubectl port-forward pod/web 8080:80")], "kubectl port-forward TYPE/NAME [options] [LOCAL_PORT:]REMOTE_PORT [...[LOCAL_PORT_N:]REMOTE_PORT_N]", None),
    cmd("apply", "Create or update objects to match manifest files", &[("Make the cluster match web.yaml", "kubectl apply -f web.yaml"), ("Every manifest in a folder and its subfolders", "kubectl apply -R -f k8s/"), ("Check a change with the API server without making it", "kubectl apply -f web.yaml --dry-run=server")], "kubectl apply -f FILENAME [options]", None),
    cmd("apply view-last-applied", "Show the configuration the last kubectl apply recorded on an object", &[("What the last apply sent for a Deployment", "kubectl apply view-last-applied deployment/web")], "kubectl apply view-last-applied (TYPE NAME | TYPE/NAME | -f FILENAME) [options]", Some(&["--filename", "--output", "--recursive"])),
    cmd("diff", "Show what kubectl apply would change, as a unified diff of each live object and the object after the apply", &[("Compare the cluster with a manifest", "kubectl diff -f web.yaml")], "kubectl diff -f FILENAME [options]", Some(&["--filename", "--recursive"])),
    cmd("patch", "Change fields of an object with a patch", &[("Three replicas for web", "kubectl patch deployment web -p '{\"spec\":{\"replicas\":3}}'")], "kubectl patch TYPE NAME [-p PATCH] [options]", None),
    cmd("replace", "Replace objects with the content of manifest files", &[("Swap the live web Deployment for the file's", "kubectl replace -f web.yaml"), ("Delete it and create it again", "kubectl replace --force -f web.yaml")], "kubectl replace -f FILENAME [options]", None),
    cmd("label", "Add, change or remove labels of objects", &[("Mark a pod as a canary", "kubectl label pod web track=canary"), ("Change an existing label", "kubectl label pod web track=stable --overwrite"), ("Remove it", "kubectl label pod web track-")], "kubectl label [--overwrite] (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [options]", None),
    cmd("annotate", "Add, change or remove annotations of objects", &[("Note who owns the Deployment", "kubectl annotate deployment web owner=team-a")], "kubectl annotate [--overwrite] (TYPE NAME | TYPE/NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [options]", None),
    cmd("api-resources", "List the resource types the API server offers", &[("Names, short names and kinds", "kubectl api-resources")], "kubectl api-resources [flags] [options]", None),
    cmd("config", "Read and change the kubeconfig (contexts and their namespaces)", &[("Make team-a the namespace of the current context", "kubectl config set-context --current --namespace=team-a")], "kubectl config SUBCOMMAND [options]", NONE),
    cmd("config current-context", "Print the name of the context in use", &[("Which context kubectl uses", "kubectl config current-context")], "kubectl config current-context [options]", NONE),
    cmd("config get-contexts", "List the contexts of the kubeconfig", &[("Every context, the current one marked", "kubectl config get-contexts")], "kubectl config get-contexts [(-o|--output=)name)] [options]", Some(&["--no-headers", "--output"])),
    cmd("config set-context", "Change a context, such as its default namespace", &[("Work in team-a from now on", "kubectl config set-context --current --namespace=team-a")], "kubectl config set-context [NAME | --current] [--namespace=namespace] [options]", Some(&["--current"])),
    cmd("config use-context", "Switch to another context", &[("Use the playground's context", "kubectl config use-context minikube")], "kubectl config use-context CONTEXT_NAME [options]", NONE),
    cmd("config view", "Print the kubeconfig", &[("Only what the current context uses, as JSON", "kubectl config view --minify -o json")], "kubectl config view [flags] [options]", Some(&["--allow-missing-template-keys", "--flatten", "--minify", "--output", "--raw", "--template"])),
    cmd("version", "Print the versions of kubectl and of the API server", &[("Both versions", "kubectl version")], "kubectl version [flags] [options]", None),
];

/// The groups of `kubectl --help`, with the commands of each.
const GROUPS: &[(&str, &[&str])] = &[
    ("Basic Commands (Beginner)", &["create", "expose", "run", "set"]),
    ("Basic Commands (Intermediate)", &["explain", "get", "edit", "delete"]),
    ("Deploy Commands", &["rollout", "scale", "autoscale"]),
    ("Cluster Management Commands", &["cluster-info", "top", "cordon", "uncordon", "drain", "taint"]),
    ("Troubleshooting and Debugging Commands", &["describe", "logs", "exec", "port-forward", "events"]),
    ("Advanced Commands", &["diff", "apply", "patch", "replace", "wait"]),
    ("Settings Commands", &["label", "annotate"]),
    ("Other Commands", &["api-resources", "config", "version"]),
];

const OPTIONS_LINE: &str = "Use \"kubectl options\" for a list of global command-line options (applies to all commands).\n";

/// Whether a verb has help (every verb kubectl dispatches here).
pub fn knows(verb: &str) -> bool {
    COMMANDS.iter().any(|c| c.path == verb)
}

/// `kubectl --help` (and `kubectl` alone): what kubectl is and its commands by group.
pub fn root() -> CommandOutput {
    CommandOutput::ok(format!("kubectl reads and changes the objects of a Kubernetes cluster through its API server.\n\n In kubeplay it drives the simulated cluster on this page.\n{}", root_body()))
}

/// The command groups, usage and closing lines of the root help.
fn root_body() -> String {
    let mut s = String::new();
    for (group, names) in GROUPS {
        let cmds: Vec<&Command> = names.iter().filter_map(|n| COMMANDS.iter().find(|c| c.path == *n)).collect();
        s.push_str(&format!("\n{group}:\n{}", list(&cmds, 13)));
    }
    s.push_str("\nUsage:\n  kubectl [flags] [options]\n\nUse \"kubectl <command> --help\" for more information about a given command.\n");
    s.push_str(OPTIONS_LINE);
    s
}

/// Lines `  name   summary`, names padded as cobra pads them (at least 11 wide).
fn list(cmds: &[&Command], min: usize) -> String {
    let last = |c: &Command| c.path.rsplit(' ').next().unwrap_or(c.path).len();
    let width = cmds.iter().map(|c| last(c)).max().unwrap_or(0).max(min);
    cmds.iter().map(|c| format!("  {:<width$}   {}\n", c.path.rsplit(' ').next().unwrap_or(c.path), c.summary)).collect()
}

/// `kubectl help [WORDS...]`: the help of the command the words name, the root's without
/// words, kubectl's complaint (on standard error) for an unknown one.
pub fn help_topic(words: &[String]) -> CommandOutput {
    match words.first() {
        None => root(),
        Some(verb) if !knows(verb) => CommandOutput { stderr: format!("Unknown help topic [`{verb}`]\n\n{}", root_body()), ..Default::default() },
        Some(verb) => command(verb, &words[1..]),
    }
}

/// The help of `VERB [SUBCOMMAND...]`: the longest known command the words start with
/// (positional words that name no subcommand, like a pod's name, are ignored).
pub fn command(verb: &str, positional: &[String]) -> CommandOutput {
    let path = path(verb, positional);
    let Some(c) = COMMANDS.iter().find(|c| c.path == path) else { return root() };
    CommandOutput::ok(render(c, verb))
}

/// The command the words name, as kubectl names it in "See 'kubectl ... --help'": the
/// verb and the subcommands the positional words start with (`create secret tls`,
/// `rollout status`; `create deploy` is `create deployment`).
pub fn path(verb: &str, positional: &[String]) -> String {
    let mut path = verb.to_string();
    for word in positional {
        let longer = format!("{path} {}", alias(word));
        if COMMANDS.iter().any(|c| c.path == longer) {
            path = longer;
        } else {
            break;
        }
    }
    path
}

/// The first flag given that the subcommand `path` does not take though its verb does
/// (`create deployment --from-literal`, `rollout undo --revision`); `--record` is
/// checked on its own.
pub(super) fn first_foreign(path: &str, given: &[&'static str]) -> Option<&'static str> {
    if !path.contains(' ') && path != "create" {
        return None;
    }
    let only = COMMANDS.iter().find(|c| c.path == path)?.flags?;
    given.iter().copied().find(|f| !["--namespace", "--context", "--help", "--record"].contains(f) && !only.contains(f) && !HIDDEN.contains(&(path, *f)))
}

/// The subcommand a short or plural name stands for (`deploy`, `pods`).
fn alias(word: &str) -> &str {
    match word {
        "deploy" => "deployment",
        "ns" => "namespace",
        "cm" => "configmap",
        "svc" => "service",
        "resourcequota" => "quota",
        "sa" => "serviceaccount",
        "pods" | "po" => "pod",
        "nodes" | "no" => "node",
        w => w,
    }
}

/// One command's help page.
fn render(c: &Command, verb: &str) -> String {
    let mut s = format!("{}.\n", c.summary);
    if !c.examples.is_empty() {
        s.push_str("\nExamples:\n");
        let examples: Vec<String> = c.examples.iter().map(|(what, how)| format!("  # {what}\n  {how}\n")).collect();
        s.push_str(&examples.join("  \n"));
    }
    let prefix = format!("{} ", c.path);
    let subs: Vec<&Command> = COMMANDS.iter().filter(|s| s.path.strip_prefix(&prefix).is_some_and(|rest| !rest.contains(' '))).collect();
    if !subs.is_empty() {
        s.push_str(&format!("\nAvailable Commands:\n{}", list(&subs, 11)));
    }
    let flags = flags_of(c, verb);
    if !flags.is_empty() {
        s.push_str("\nOptions:\n");
        for (long, short, default, about) in flags {
            let short = if short.is_empty() { String::new() } else { format!("{short}, ") };
            s.push_str(&format!("    {short}{long}={default}:\n\t{about}\n\n"));
        }
    } else {
        s.push('\n');
    }
    s.push_str(&format!("Usage:\n  {}\n\n", c.usage));
    if !subs.is_empty() {
        s.push_str(&format!("Use \"kubectl {} <command> --help\" for more information about a given command.\n", c.path));
    }
    s.push_str(OPTIONS_LINE);
    s
}

/// The flags a command shows: those its verb accepts (and the command lists, for a
/// subcommand), documented, in kubectl's order (by long name).
fn flags_of(c: &Command, verb: &str) -> Vec<FlagDoc> {
    let mut out: Vec<FlagDoc> = super::allowed_flags(verb)
        .iter()
        .filter(|f| c.flags.is_none_or(|only| only.contains(f)))
        .filter(|f| !HIDDEN.contains(&(c.path, **f)))
        .filter_map(|f| doc(c.path, f))
        .collect();
    crate::sorting::sort_by_key(&mut out, |d| d.0);
    out
}

/// A flag's documentation as `command` shows it.
fn doc(command: &str, long: &str) -> Option<FlagDoc> {
    let (long, mut short, mut default, mut about) = *FLAGS.iter().find(|d| d.0 == long)?;
    if let Some((_, _, s, d, a)) = VARIANTS.iter().find(|v| v.0 == command && v.1 == long) {
        let pick = |v: &'static str, old: &'static str| if v == "-" { old } else { v };
        (short, default, about) = (pick(s, short), pick(d, default), pick(a, about));
    }
    Some((long, short, default, about))
}

/// `kubectl options`: the flags every command takes.
pub fn options() -> CommandOutput {
    CommandOutput::ok(
        "The following options can be passed to any command:\n\n    --context='':\n\tThe kubeconfig context to use (kubeplay's kubeconfig has one, minikube).\n\n    -n, --namespace='':\n\tThe namespace to work in, instead of the current context's.\n\n".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_accepted_flag_is_documented() {
        for c in COMMANDS {
            let verb = c.path.split(' ').next().unwrap_or_default();
            for f in super::super::allowed_flags(verb) {
                assert!(FLAGS.iter().any(|d| d.0 == *f), "{f} of {verb} has no documentation");
            }
            for f in c.flags.unwrap_or_default() {
                assert!(FLAGS.iter().any(|d| d.0 == *f), "{f} of {} has no documentation", c.path);
            }
        }
    }

    #[test]
    fn every_group_names_a_command() {
        for (_, names) in GROUPS {
            assert!(names.iter().all(|n| knows(n)), "{names:?}");
        }
    }
}
