//! The editor's open files (its tabs), kept in the browser between visits, and the
//! example manifests it offers. Each tab is also a file in the console's home directory,
//! so `kubectl apply -f deployment.yaml` in the console reads what the editor shows.

use serde_json::{json, Value};

/// Where the open tabs are kept (JSON: the files and which one is shown).
pub const STORAGE_KEY: &str = "kubeplay.editor.v2";
/// Where an older page kept its single editor text (read once, as `editor.yaml`).
const OLD_STORAGE_KEY: &str = "kubeplay.editor.v1";
/// The first tab's name.
pub const FIRST_FILE: &str = "editor.yaml";

/// One open file.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenFile {
    /// Its name in the console's home directory.
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The editor's tabs.
#[derive(Clone, Debug, PartialEq)]
pub struct OpenFiles {
    /// The files, in tab order (never empty).
    pub files: Vec<OpenFile>,
    /// The index of the file shown.
    pub active: usize,
}

/// One stored file, if it has a usable name and a text.
fn file_of(f: &Value) -> Option<OpenFile> {
    Some(OpenFile { name: safe_name(f.get("name")?.as_str()?)?, text: f.get("text")?.as_str()?.to_string() })
}

impl Default for OpenFiles {
    fn default() -> Self {
        OpenFiles { files: vec![OpenFile { name: FIRST_FILE.into(), text: EXAMPLE_POD.into() }], active: 0 }
    }
}

impl OpenFiles {
    /// The tabs kept by an earlier visit (or the example Pod on a first one).
    /// A kept record that cannot be read whole keeps the files that can be (and their
    /// texts), and the page says what was reset.
    pub fn load() -> Self {
        match crate::kept::read_item(&crate::storage_key(STORAGE_KEY)) {
            Ok(Some(text)) => match Self::from_json(&text) {
                Some(files) => return files,
                None => {
                    let kept = Self::salvage(&text);
                    crate::kept::report_reset(if kept.is_some() { "some of the editor's files" } else { "the editor's files" });
                    return kept.unwrap_or_default();
                }
            },
            Ok(None) => {}
            Err(()) => {
                crate::kept::report_reset("the editor's files");
                return Self::default();
            }
        }
        match crate::kept::get_item(&crate::storage_key(OLD_STORAGE_KEY)) {
            Some(text) => OpenFiles { files: vec![OpenFile { name: FIRST_FILE.into(), text }], active: 0 },
            None => Self::default(),
        }
    }

    /// Keeps the tabs for the next visit.
    pub fn save(&self) {
        crate::kept::set_item(&crate::storage_key(STORAGE_KEY), &self.to_json());
    }

    /// The tabs as stored.
    pub fn to_json(&self) -> String {
        let files: Vec<Value> = self.files.iter().map(|f| json!({"name": f.name, "text": f.text})).collect();
        json!({"files": files, "active": self.active}).to_string()
    }

    /// Reads stored tabs; `None` if the text is not such a record, or any of its files
    /// cannot be read.
    pub fn from_json(text: &str) -> Option<Self> {
        let v: Value = serde_json::from_str(text).ok()?;
        let listed = v.get("files")?.as_array()?;
        let files: Vec<OpenFile> = listed.iter().filter_map(file_of).collect();
        if files.is_empty() || files.len() != listed.len() {
            return None;
        }
        let active = (v.get("active").and_then(Value::as_u64).unwrap_or(0) as usize).min(files.len() - 1);
        Some(OpenFiles { files, active })
    }

    /// What can still be read of a damaged record (cut off, or with a broken file): its
    /// whole files, the first one shown; `None` if there is none.
    fn salvage(text: &str) -> Option<Self> {
        let files: Vec<OpenFile> = crate::kept::whole_objects(text, "name").iter().filter_map(file_of).collect();
        (!files.is_empty()).then_some(OpenFiles { files, active: 0 })
    }

    /// The file shown.
    pub fn current(&self) -> &OpenFile {
        &self.files[self.active.min(self.files.len() - 1)]
    }

    /// Replaces the shown file's text.
    pub fn set_text(&mut self, text: String) {
        let i = self.active.min(self.files.len() - 1);
        self.files[i].text = text;
    }

    /// Shows the file with this name, opening it with `text` if no tab has it; an open
    /// tab keeps its own text unless `replace` is set.
    pub fn open(&mut self, name: &str, text: &str, replace: bool) {
        match self.files.iter().position(|f| f.name == name) {
            Some(i) => {
                self.active = i;
                if replace {
                    self.files[i].text = text.to_string();
                }
            }
            None => {
                self.files.push(OpenFile { name: name.to_string(), text: text.to_string() });
                self.active = self.files.len() - 1;
            }
        }
    }

    /// Opens an empty tab with the first free `untitled-N.yaml` name.
    pub fn open_new(&mut self) {
        let name = (1..).map(|n| format!("untitled-{n}.yaml")).find(|n| !self.files.iter().any(|f| &f.name == n)).unwrap_or_default();
        self.open(&name, "", false);
    }

    /// Closes a tab (the last one stays open).
    pub fn close(&mut self, index: usize) {
        if self.files.len() > 1 && index < self.files.len() {
            self.files.remove(index);
            if self.active > index || self.active >= self.files.len() {
                self.active = self.active.saturating_sub(1);
            }
        }
    }
}

/// The longest tab name read back: room for the tab `kubectl edit` opens for any object,
/// `edit-KIND-NAME.yaml`, whose NAME may be 253 characters.
const MAX_NAME: usize = 320;

/// A tab name that is a plain file name in the home directory (no directories, no `..`).
pub fn safe_name(name: &str) -> Option<String> {
    let name = name.trim();
    (!name.is_empty() && name.len() <= MAX_NAME && !name.contains('/') && name != "." && name != "..").then(|| name.to_string())
}

/// The manifest a first visit starts with.
pub const EXAMPLE_POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: nginx
    image: nginx:1.25
    ports:
    - containerPort: 80
";

/// The examples the editor offers: a label, the file name they open as, and the manifest.
pub const EXAMPLES: &[(&str, &str, &str)] = &[
    ("Pod", "pod.yaml", EXAMPLE_POD),
    (
        "Deployment",
        "deployment.yaml",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet:
            path: /
            port: 80
        resources:
          requests:
            cpu: 100m
            memory: 64Mi
",
    ),
    (
        "Service (NodePort)",
        "service.yaml",
        "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
",
    ),
    (
        "HorizontalPodAutoscaler",
        "hpa.yaml",
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 10
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 50
",
    ),
    (
        "ConfigMap",
        "configmap.yaml",
        "apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  GREETING: hello
  LOG_LEVEL: info
",
    ),
    (
        "Job",
        "job.yaml",
        "apiVersion: batch/v1
kind: Job
metadata:
  name: countdown
spec:
  completions: 3
  parallelism: 1
  backoffLimit: 2
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: count
        image: busybox
        command: [\"sh\", \"-c\", \"sleep 5\"]
",
    ),
];
