//! Wraps a Pod manifest in the workloads that carry a pod template, so a
//! test can check they give the same answers as the bare pod. Shared by
//! the end-to-end tests and the kubernetes plugin's unit tests.

/// The workload kinds a pod is wrapped in.
pub const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob"];

/// `pod` (a YAML Pod whose top-level keys start at column 0, as the
/// upstream fixtures are written) as the pod template of a `kind`: its
/// `metadata` and `spec` become the template's.
pub fn wrap(pod: &str, kind: &str) -> String {
    let (api_version, head, indent) = match kind {
        "Deployment" | "DaemonSet" => (
            "apps/v1",
            "spec:\n  selector:\n    matchLabels: {app: wrapped}\n  template:\n",
            4,
        ),
        "StatefulSet" => (
            "apps/v1",
            "spec:\n  serviceName: wrapped\n  selector:\n    matchLabels: {app: wrapped}\n  template:\n",
            4,
        ),
        "Job" => ("batch/v1", "spec:\n  template:\n", 4),
        "CronJob" => (
            "batch/v1",
            "spec:\n  schedule: \"@daily\"\n  jobTemplate:\n    spec:\n      template:\n",
            8,
        ),
        other => panic!("no wrapper for {other}"),
    };
    let mut out =
        format!("apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: wrapped\n{head}");
    for line in pod.lines() {
        let top_level = !line.starts_with([' ', '-', '#']) && !line.trim().is_empty();
        if top_level && (line.starts_with("apiVersion:") || line.starts_with("kind:")) {
            continue;
        }
        assert!(
            !top_level || line.starts_with("metadata:") || line.starts_with("spec:"),
            "cannot wrap a pod with top-level line {line:?}"
        );
        out.push_str(&" ".repeat(indent));
        out.push_str(line);
        out.push('\n');
    }
    out
}
