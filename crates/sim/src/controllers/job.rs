//! The Job controller: runs pods from the template until enough succeed, with
//! parallelism, a back-off after failures, a backoff limit and a deadline.

use super::replicaset::is_active;
use super::owned_pods;
use crate::api::{condition, Condition, Job, Kind, Object, Pod};
use crate::apiserver;
use crate::clock::{earliest, Duration, Time};
use crate::events::{self, Source};
use crate::rand::Rng;
use crate::store::{ObjectKey, Store};

const SOURCE: Source<'static> = Source { component: "job-controller", host: "" };
/// The pod-failure back-off: 10 s doubling, capped at 10 minutes (MaxJobPodFailureBackOff).
const FAILURE_BACKOFF: Duration = Duration::seconds(10);
const FAILURE_BACKOFF_CAP: Duration = Duration::seconds(600);

fn finished_at(p: &Pod) -> Option<Time> {
    p.status.container_statuses.iter().filter_map(|c| c.state.terminated.as_ref().and_then(|t| t.finished_at)).max()
}

fn finish(store: &mut Store, now: Time, job: &mut Job, job_obj: &Object, type_: &'static str, reason: &'static str, message: &str) {
    let mut c = Condition::new(type_, true, now);
    c.last_probe_time = Some(now);
    if !reason.is_empty() {
        c.reason = Some(reason.into());
        c.message = Some(message.into());
    }
    job.status.conditions.push(c);
    if type_ == "Complete" {
        job.status.completion_time = Some(now);
        events::record(store, now, SOURCE, job_obj, "Normal", "Completed", "Job completed");
    } else {
        events::record(store, now, SOURCE, job_obj, "Warning", reason, message);
    }
}

/// One pass over every Job. Returns when a back-off or a deadline ends.
#[inline(never)]
pub fn reconcile(store: &mut Store, rng: &mut Rng, now: Time) -> Option<Time> {
    let jobs: Vec<Job> = store.list(Kind::Job, None).filter_map(Object::as_job).cloned().collect();
    let mut wake = None::<Time>;
    let mut wake_at = |t: Time| wake = earliest(wake, Some(t));
    for mut job in jobs {
        let done = job.status.conditions.iter().any(|c| (c.type_ == "Complete" || c.type_ == "Failed") && c.status == "True");
        if job.metadata.deletion_timestamp.is_some() || done {
            continue;
        }
        let before = job.clone();
        let job_obj = Object::Job(job.clone());
        let uid = job.metadata.uid.as_deref().unwrap_or_default().to_string();
        let ns = job.metadata.namespace.clone().unwrap_or_default();
        let pods: Vec<Pod> = owned_pods(store, &ns, &uid).cloned().collect();
        let active: Vec<&Pod> = pods.iter().filter(|p| is_active(p)).collect();
        let succeeded = pods.iter().filter(|p| p.phase() == "Succeeded").count() as i32;
        let failed_pods: Vec<&Pod> = pods.iter().filter(|p| p.phase() == "Failed").collect();
        let failed = failed_pods.len() as i32;
        let suspended = job.spec.suspend == Some(true);
        if !suspended {
            job.status.start_time.get_or_insert(now);
        }
        job.status.active = active.len() as i32;
        job.status.succeeded = succeeded;
        job.status.failed = failed;
        job.status.ready = Some(active.iter().filter(|p| p.is_ready()).count() as i32);
        let limit = job.spec.backoff_limit.unwrap_or(6);
        let restarts: i32 = active.iter().flat_map(|p| &p.status.container_statuses).map(|c| c.restart_count).sum();
        let on_failure = job.spec.template.spec.restart_policy.as_deref() == Some("OnFailure");
        let over_limit = failed > limit || (on_failure && if limit == 0 { restarts > 0 } else { restarts >= limit });
        let deadline = job.spec.active_deadline_seconds.zip(job.status.start_time).map(|(s, start)| start + Duration::seconds(s));
        let failure = if over_limit {
            Some(("BackoffLimitExceeded", "Job has reached the specified backoff limit"))
        } else if deadline.is_some_and(|d| now >= d) {
            Some(("DeadlineExceeded", "Job was active longer than specified deadline"))
        } else {
            None
        };
        if let Some((reason, message)) = failure {
            for p in &active {
                let _ = apiserver::delete(store, now, &ObjectKey::of(&Object::Pod((*p).clone())), None);
            }
            job.status.active = 0;
            finish(store, now, &mut job, &job_obj, "Failed", reason, message);
        } else {
            if let Some(d) = deadline {
                wake_at(d);
            }
            let completions = job.spec.completions;
            let parallelism = job.spec.parallelism.unwrap_or(1);
            let want = if suspended {
                0
            } else {
                match completions {
                    Some(c) => (c - succeeded).clamp(0, parallelism),
                    None if succeeded > 0 => active.len() as i32,
                    None => parallelism,
                }
            };
            let have = active.len() as i32;
            if have > want {
                let mut victims: Vec<&Pod> = active.clone();
                crate::sorting::sort_by_key(&mut victims, |p| (p.spec.node_name.is_some(), p.phase() == "Running", p.is_ready(), std::cmp::Reverse(p.metadata.creation_timestamp)));
                for p in victims.into_iter().take((have - want) as usize) {
                    if apiserver::delete(store, now, &ObjectKey::of(&Object::Pod(p.clone())), None).is_ok() {
                        events::record(store, now, SOURCE, &job_obj, "Normal", "SuccessfulDelete", &format!("Deleted pod: {}", p.metadata.name));
                    }
                }
            } else if want > have {
                // Failures since the last success delay the next pods.
                let last_success = pods.iter().filter(|p| p.phase() == "Succeeded").filter_map(finished_at).max();
                let recent: Vec<Time> = failed_pods.iter().filter_map(|p| finished_at(p)).filter(|t| last_success.is_none_or(|s| *t > s)).collect();
                let ready_at = recent.iter().max().map(|last| {
                    let exp = (recent.len() as u32).saturating_sub(1).min(16);
                    let delay = Duration((FAILURE_BACKOFF.as_millis() << exp).min(FAILURE_BACKOFF_CAP.as_millis()));
                    *last + delay
                });
                if ready_at.is_some_and(|t| t > now) {
                    wake_at(ready_at.unwrap_or(now));
                } else {
                    for _ in 0..(want - have).min(500) {
                        let pod = super::pod_from_template(&job.spec.template, &job_obj);
                        match apiserver::create(store, rng, now, Object::Pod(pod)) {
                            Ok(p) => events::record(store, now, SOURCE, &job_obj, "Normal", "SuccessfulCreate", &format!("Created pod: {}", p.name())),
                            Err(e) => {
                                events::record(store, now, SOURCE, &job_obj, "Warning", "FailedCreate", &format!("Error creating: {}", e.message));
                                break;
                            }
                        }
                    }
                }
            }
            let complete = match completions {
                Some(c) => succeeded >= c && have == 0,
                None => succeeded > 0 && have == 0,
            };
            if complete && condition(&job.status.conditions, "Complete").is_none() {
                finish(store, now, &mut job, &job_obj, "Complete", "", "");
            }
        }
        if job != before {
            apiserver::update_if_changed(store, now, &ObjectKey::of(&job_obj), |o| {
                if let Object::Job(stored) = o {
                    stored.status = job.status;
                }
            });
        }
    }
    wake
}
