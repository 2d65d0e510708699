//! The page layout and the loop that turns wall time into virtual time.

use crate::components::{Charts, Console, ControlPlaneStrip, ContainersLab, Editor, EventList, InspectHandle, Inspector, LessonPanel, NodeList, Share, Target, ThemeSwitch, Workers};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use crate::lessons::{url_param, ConsoleLog};
use crate::ClusterHandle;
use gloo::timers::callback::Interval;
use kubeplay_sim::clock::{Duration, Time};
use yew::prelude::*;

/// Wall-clock milliseconds between virtual-time steps while playing.
const TICK_MS: u32 = 100;
/// Where the learner's cluster (its action log) is kept between visits.
pub const CLUSTER_KEY: &str = "kubeplay.cluster.v1";
/// Wall-clock milliseconds between saves of the cluster.
const SAVE_MS: u32 = 2000;

/// Properties of [`App`]: the cluster to show (the in-page simulator by default).
#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The cluster behind the page.
    pub cluster: ClusterHandle,
}

/// How the page was asked to look (URL parameters), read once when it opens.
#[derive(Clone, Debug, PartialEq)]
pub struct PageOptions {
    /// `?embed`: a compact layout for an iframe in slides; nothing is kept in the browser
    /// unless `&persist` is given too.
    pub embed: bool,
    /// `?view=map|console|lesson|editor|containers|charts`: only that view, without the page's chrome.
    pub view: Option<String>,
    /// `?speed=10`: the starting speed.
    pub speed: u32,
    /// Whether time runs from the start (`?autoplay`; an embedded page starts paused).
    pub playing: bool,
    /// `?theme=light|dark` (otherwise the one chosen with the top bar's switch, or the
    /// system's; `?theme=auto` is the system's whatever was chosen).
    pub theme: Option<String>,
    /// `?present`: large type, and keys for a presenter (space plays or pauses, the right
    /// arrow jumps to the next event, `n` opens the next lesson step).
    pub present: bool,
    /// `?lab` or `?lab=DEMO`: open the containers lab (on that demo) instead of the cluster;
    /// `?demo=DEMO` names the demo of `?view=containers`.
    pub lab: Option<String>,
}

impl PageOptions {
    /// Reads the options from the page's URL.
    pub fn from_url() -> Self {
        let embed = url_param("embed").is_some();
        let speed = url_param("speed").and_then(|s| s.parse().ok()).filter(|s| crate::components::time_controls::SPEEDS.contains(s)).unwrap_or(1);
        let view = url_param("view").filter(|v| ["map", "console", "lesson", "editor", "containers", "charts"].contains(&v.as_str()));
        let theme = url_param("theme").filter(|t| t == "light" || t == "dark");
        let lab = url_param("lab").or_else(|| url_param("demo").map(|d| d.to_string()));
        PageOptions { embed, view, speed, playing: !embed || url_param("autoplay").is_some(), theme, present: url_param("present").is_some(), lab }
    }
}

/// A keydown listener on the document, removed when dropped (presenter keys).
pub struct KeyListener(Closure<dyn Fn(web_sys::KeyboardEvent)>);

impl KeyListener {
    /// Listens for key presses outside text fields that nothing on the page took (the
    /// arrow keys of a tab list or of the map's pods are theirs).
    pub fn new(handler: impl Fn(&web_sys::KeyboardEvent) + 'static) -> Self {
        let closure = Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |e: web_sys::KeyboardEvent| {
            if !typing(&e) && !e.default_prevented() {
                handler(&e);
            }
        });
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
        }
        KeyListener(closure)
    }
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            let _ = doc.remove_event_listener_with_callback("keydown", self.0.as_ref().unchecked_ref());
        }
    }
}

/// Whether a key press is meant for a text field (presenter keys leave those alone).
pub fn typing(e: &web_sys::KeyboardEvent) -> bool {
    e.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// The left column's top panel.
#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Lesson,
    Editor,
    Events,
    Charts,
}

impl Tab {
    /// The tabs, in the order of [`crate::page_view::TABS`] (their kept words).
    const ALL: [Tab; 4] = [Tab::Lesson, Tab::Editor, Tab::Events, Tab::Charts];

    /// The word the page keeps for the tab.
    fn word(self) -> &'static str {
        crate::page_view::TABS[Tab::ALL.iter().position(|t| *t == self).unwrap_or(1)]
    }

    /// The tab a kept word names.
    fn of_word(word: &str) -> Option<Tab> {
        crate::page_view::TABS.iter().position(|w| *w == word).map(|i| Tab::ALL[i])
    }
}

/// The playground page.
#[function_component(App)]
pub fn app(props: &AppProps) -> Html {
    let client = props.cluster.clone();
    let options = use_memo((), |_| {
        let o = PageOptions::from_url();
        crate::set_persistence(crate::keeps_work_by_url());
        if o.embed {
            // Each embed keeps its own work: by `?id=`, else by what it shows.
            let scope = url_param("id").unwrap_or_else(|| {
                ["view", "lesson", "step", "lab", "demo", "lessonUrl"].iter().filter_map(|p| url_param(p).map(|v| format!("{p}={v}"))).collect::<Vec<_>>().join("&")
            });
            crate::set_storage_scope(if scope.is_empty() { "embed" } else { &scope });
        }
        if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
            // The address's theme, else the one chosen here last time (the top bar's switch).
            crate::components::theme::apply(crate::components::theme::initial(url_param("theme").as_deref()));
            if o.embed {
                let _ = root.set_attribute("data-embed", "");
            }
            if o.present {
                let _ = root.set_attribute("data-present", "");
            }
        }
        o
    });
    // How the learner left the page last time (read once the page's scope is set).
    let kept_view = use_memo((), |_| crate::page_view::load());
    let now = use_state(|| Time(0));
    let playing = use_state(|| options.playing);
    // The address's speed, else the one kept, else 1x.
    let speed = use_state(|| if url_param("speed").is_some() { options.speed } else { kept_view.speed.unwrap_or(options.speed) });
    let log = use_memo((), |_| ConsoleLog::default());
    // The left column's top panel: the lessons (first when a lesson is named in the URL) or the editor.
    // A lesson, or the course (`?course`, where a lesson's way back leads), opens on the Lessons tab.
    // Otherwise the tab the learner left open.
    let tab = use_state(|| {
        if ["lesson", "lessonUrl", "course"].iter().any(|p| url_param(p).is_some()) {
            Tab::Lesson
        } else {
            kept_view.tab.as_deref().and_then(Tab::of_word).unwrap_or(Tab::Editor)
        }
    });
    // The cluster or the containers lab (`?lab`, else as the learner left it).
    let in_lab = use_state(|| options.lab.is_some() || kept_view.lab == Some(true));
    // Keep the speed, the tab and the lab as the learner changes them (what the address
    // asked for is not kept until then).
    {
        let first = use_mut_ref(|| true);
        use_effect_with((*speed, *tab, *in_lab), move |&(speed, tab, lab)| {
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                crate::page_view::save(&crate::page_view::KeptView { speed: Some(speed), tab: Some(tab.word().to_string()), lab: Some(lab) });
            }
        });
    }
    let first_demo = options.lab.clone().filter(|d| !d.is_empty());

    // A share link (`#s=...`) replays its cluster; a bad one is explained, never blank.
    let notice = use_state(|| None::<String>);
    // Kept records other than the cluster that could not be read and were reset (the
    // editor's files, the checkpoints, the console history, a lesson's progress), told by
    // the views as they read them; the notice lists them.
    let resets = use_state(crate::kept::resets);
    // Those the learner has dismissed: a record reset later (a lesson opened) does not bring
    // them back.
    let dismissed = use_mut_ref(Vec::<String>::new);
    {
        let (resets, dismissed) = (resets.setter(), dismissed.clone());
        use_effect_with((), move |_| {
            let listener: std::rc::Rc<dyn Fn()> = std::rc::Rc::new(move || resets.set(crate::kept::resets().into_iter().filter(|r| !dismissed.borrow().contains(r)).collect()));
            listener();
            crate::kept::on_reset(Some(listener));
            || crate::kept::on_reset(None)
        });
    }
    // Set once a shared or saved cluster has been replayed (saving starts then).
    let restored = use_state(|| false);
    {
        let (client, now, notice, restored) = (client.clone(), now.clone(), notice.clone(), restored.clone());
        use_effect_with(client.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(fragment) = crate::share_link::fragment() {
                    let replayed = match crate::share_link::decode(&fragment).await {
                        Ok(log) => client.0.replay(&log).await.map_err(|e| e.message),
                        Err(e) => Err(e),
                    };
                    match replayed {
                        Ok(()) => notice.set(Some("This is a shared cluster, replayed from the link.".into())),
                        Err(e) => notice.set(Some(format!("The link's cluster could not be opened: {e}. You have a fresh cluster instead."))),
                    }
                } else if let Some(saved) = crate::kept::get_item(&crate::storage_key(CLUSTER_KEY)) {
                    // The learner's cluster from the last visit, replayed; if it cannot be, the
                    // page says so (the editor's files and the console history are kept apart).
                    match client.0.replay(&saved).await {
                        Ok(()) => {}
                        Err(e) => notice.set(Some(format!("The cluster kept in this browser could not be restored: {}. This is a fresh cluster; your editor files and console history are kept.", kept_cluster_problem(&e.message)))),
                    }
                }
                if let Ok(t) = client.0.now().await {
                    now.set(t);
                }
                restored.set(true);
            });
        });
    }
    // The server's token leaves the address bar at once and stays with the tab.
    use_effect_with((), |_| crate::lab_client::keep_token());
    // Keep the cluster (its action log) for the next visit, every few seconds once restored,
    // and once more as the page goes away (a reload, a lesson link), so the last seconds'
    // work is kept too.
    {
        let client = client.clone();
        use_effect_with(*restored, move |&restored| {
            let interval = restored.then(|| {
                let client = client.clone();
                Interval::new(SAVE_MS, move || {
                    let client = client.clone();
                    wasm_bindgen_futures::spawn_local(async move {
                        if crate::persisting() {
                            if let Ok(log) = client.0.share().await {
                                crate::kept::set_item(&crate::storage_key(CLUSTER_KEY), &log);
                            }
                        }
                    });
                })
            });
            let on_leave = restored.then(|| Closure::<dyn FnMut()>::new(move || save_now(&client)));
            let window = web_sys::window();
            if let (Some(w), Some(f)) = (&window, &on_leave) {
                let _ = w.add_event_listener_with_callback("pagehide", f.as_ref().unchecked_ref());
            }
            move || {
                drop(interval);
                if let (Some(w), Some(f)) = (&window, &on_leave) {
                    let _ = w.remove_event_listener_with_callback("pagehide", f.as_ref().unchecked_ref());
                }
            }
        });
    }
    {
        let (client, now) = (client.clone(), now.clone());
        use_effect_with((*playing, *speed), move |&(playing, speed)| {
            let interval = playing.then(|| {
                Interval::new(TICK_MS, move || {
                    let (client, now) = (client.clone(), now.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(t) = client.0.advance(Duration::millis(i64::from(TICK_MS) * i64::from(speed))).await {
                            now.set(t);
                        }
                    });
                })
            });
            move || drop(interval)
        });
    }
    let on_toggle = {
        let playing = playing.clone();
        Callback::from(move |()| playing.set(!*playing))
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s| speed.set(s))
    };
    let on_step = {
        let (client, now) = (client.clone(), now.clone());
        Callback::from(move |()| {
            let (client, now) = (client.clone(), now.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(t) = client.0.step().await {
                    now.set(t);
                }
            });
        })
    };
    // After going back in time the page pauses there, so the learner sees that moment.
    let on_rewound = {
        let (now, playing) = (now.clone(), playing.clone());
        Callback::from(move |t: Time| {
            now.set(t);
            playing.set(false);
        })
    };
    // `kubectl edit` shows the editor, where the object has opened.
    {
        let (log, tab) = (log.clone(), tab.clone());
        use_effect_with((), move |_| {
            let show = Callback::from(move |_: (String, String)| tab.set(Tab::Editor));
            log.editor_openers.borrow_mut().push(show.clone());
            move || log.editor_openers.borrow_mut().retain(|o| o != &show)
        });
    }
    // The lessons mount when first shown (they fetch and read the course then, not while the
    // page starts), and stay mounted.
    let lessons_shown = use_mut_ref(|| false);
    if *tab == Tab::Lesson {
        *lessons_shown.borrow_mut() = true;
    }
    let lessons_mounted = *lessons_shown.borrow();
    let select = |t: Tab| {
        let tab = tab.clone();
        Callback::from(move |_: MouseEvent| tab.set(t))
    };
    let new_cluster = {
        let (client, now) = (client.clone(), now.clone());
        Callback::from(move |_: MouseEvent| {
            let (client, now) = (client.clone(), now.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if client.start_fresh().await.is_ok() {
                    if let Ok(t) = client.0.now().await {
                        now.set(t);
                    }
                }
            });
        })
    };
    // Presenter keys read the newest callbacks through this cell.
    let keys = use_mut_ref(|| (Callback::<()>::noop(), Callback::<()>::noop()));
    *keys.borrow_mut() = (on_toggle.clone(), on_step.clone());
    {
        let present = options.present;
        use_effect_with(present, move |&present| {
            let listener = present.then(|| {
                KeyListener::new(move |e| {
                    let (toggle, step) = keys.borrow().clone();
                    match e.key().as_str() {
                        " " => {
                            e.prevent_default();
                            toggle.emit(());
                        }
                        "ArrowRight" => step.emit(()),
                        _ => {}
                    }
                })
            });
            move || drop(listener)
        });
    }
    // The object the inspector shows, opened by a click on the map.
    let inspected = use_state(|| None::<Target>);
    // One handle for the page's life, so views that take it are not drawn again for a new one.
    let inspect = (*use_memo((), {
        let inspected = inspected.setter();
        move |_| InspectHandle(Callback::from(move |t: Target| inspected.set(Some(t))))
    }))
    .clone();
    let inspector = match &*inspected {
        Some(target) => {
            let (select, close) = (inspected.clone(), inspected.clone());
            html! { <Inspector target={target.clone()} now={*now} on_select={Callback::from(move |t| select.set(Some(t)))} on_close={Callback::from(move |()| close.set(None))} /> }
        }
        None => html! {},
    };
    let controls = crate::components::time_controls::time_controls(&crate::components::time_controls::TimeControlsProps { now: *now, playing: *playing, speed: *speed, on_toggle, on_speed, on_step, on_rewound });
    // The page was asked to keep the work but the browser refuses it any storage here (a
    // slide's frame in an about:blank page): a quiet word says so instead of a wait.
    let not_kept = (crate::persisting() && crate::kept::backend() == crate::kept::Backend::Nothing).then(|| html! {
        <span class="not-kept" data-testid="not-kept" role="status"
            title="This browser does not let the page keep anything here (a frame of a page without an address, or site data blocked), so what you do is lost when the page closes or reloads.">
            {"not saved here"}
        </span>
    });
    // One view alone (for a slide): the view and a slim clock bar.
    if let Some(view) = &options.view {
        let body = match view.as_str() {
            "console" => html! { <Console /> },
            // A lesson is done in the console: its commands go there and its checks read it.
            "lesson" => html! { <div class="left-column"><section class="panel"><LessonPanel now={*now} /></section><Console /></div> },
            "editor" => html! { <section class="panel"><Editor /></section> },
            "containers" => html! { <ContainersLab first={first_demo.clone()} /> },
            "charts" => html! { <section class="panel"><Charts now={*now} /></section> },
            _ => html! { <section class="cluster panel"><NodeList />{ inspector.clone() }</section> },
        };
        return html! {
            <ContextProvider<ClusterHandle> context={client.clone()}>
            <ContextProvider<ConsoleLog> context={(*log).clone()}>
            <ContextProvider<InspectHandle> context={inspect.clone()}>
                <div class="app single-view" data-testid="single-view" data-view={view.clone()}>
                    <header class="topbar slim">{ not_kept }{ controls }</header>
                    <main class="single">{ body }</main>
                </div>
            </ContextProvider<InspectHandle>>
            </ContextProvider<ConsoleLog>>
            </ContextProvider<ClusterHandle>>
        };
    }
    html! {
        <ContextProvider<ClusterHandle> context={client.clone()}>
        <ContextProvider<ConsoleLog> context={(*log).clone()}>
        <ContextProvider<InspectHandle> context={inspect}>
            <div class={classes!("app", options.embed.then_some("embedded"))}>
                <header class="topbar">
                    <div class="brand" title="kubeplay"><span class="logo" aria-hidden="true">{"⎈"}</span><span class="brand-name">{"kubeplay"}</span></div>
                    <nav class="modes" aria-label="Playground">
                        <button data-testid="mode-cluster" aria-pressed={(!*in_lab).to_string()} onclick={let l = in_lab.clone(); move |_: MouseEvent| l.set(false)}>{"Cluster"}</button>
                        <button data-testid="mode-containers" aria-pressed={(*in_lab).to_string()} onclick={let l = in_lab.clone(); move |_: MouseEvent| l.set(true)}>{"Containers lab"}</button>
                    </nav>
                    <div class="topbar-right">{ not_kept }{ controls }<ThemeSwitch /><Share /></div>
                </header>
                if let Some(text) = notice_text(notice.as_deref(), &resets) {
                    <div class="notice" data-testid="notice" role="status">
                        <span>{ text }</span>
                        <button class="ghost" onclick={let (n, r, d) = (notice.clone(), resets.clone(), dismissed.clone()); move |_: MouseEvent| { n.set(None); d.borrow_mut().extend(r.iter().cloned()); r.set(Vec::new()); }} aria-label="Dismiss">{"×"}</button>
                    </div>
                }
                // The lab takes the cluster's place; the lessons, the editor and the console stay beside it.
                <main class={classes!("workspace", in_lab.then_some("with-lab"))}>
                    <div class="left-column">
                        <section class="panel tabbed">
                            <nav class="tabs" role="tablist" onkeydown={crate::components::tabs::on_tablist_key()}>
                                { for [(Tab::Lesson, "tab-lesson", "Lessons"), (Tab::Editor, "tab-editor", "Editor"), (Tab::Events, "tab-events", "Events"), (Tab::Charts, "tab-charts", "Charts")].into_iter().map(|(t, id, label)| html! {
                                    <button role="tab" data-testid={id} aria-selected={(*tab == t).to_string()} tabindex={crate::components::tabs::tab_index(*tab == t)} onclick={select(t)}>{ label }</button>
                                }) }
                            </nav>
                            // Both stay mounted once shown, so the editor keeps its text and the lesson its state.
                            <div class="tab-body" hidden={*tab != Tab::Lesson}>if lessons_mounted { <LessonPanel now={*now} /> }</div>
                            <div class="tab-body" hidden={*tab != Tab::Editor}><Editor /></div>
                            if *tab == Tab::Events { <div class="tab-body"><EventList now={*now} /></div> }
                            if *tab == Tab::Charts { <div class="tab-body"><Charts now={*now} /></div> }
                        </section>
                        <Console />
                    </div>
                    if *in_lab {
                        <ContainersLab first={first_demo.clone()} />
                    } else {
                        <section class="cluster panel">
                            <header class="panel-head">
                                <h2>{"Cluster"}</h2>
                                <div class="actions workers">
                                    <Workers />
                                    <button class="ghost" data-testid="new-cluster" onclick={new_cluster} title="Start again with a fresh cluster (your files and lesson progress stay)">{"New cluster"}</button>
                                </div>
                            </header>
                            <ControlPlaneStrip now={*now} />
                            <NodeList />
                            { inspector }
                        </section>
                    }
                </main>
            </div>
        </ContextProvider<InspectHandle>>
        </ContextProvider<ConsoleLog>>
        </ContextProvider<ClusterHandle>>
    }
}

/// The page's notice: what it has to say of the cluster (a link's, or a kept one that could
/// not be restored) and of the other kept records that could not be read and were reset,
/// all in one; `None` when there is nothing to say.
pub fn notice_text(cluster: Option<&str>, resets: &[String]) -> Option<String> {
    if resets.is_empty() {
        return cluster.map(str::to_string);
    }
    let list = match resets {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let reset = format!("Some of what this browser kept could not be read, so the page reset it: {list}. Everything else is kept.");
    Some(match cluster {
        // The cluster's notice says what else is kept: it is not all true now.
        Some(c) => match c.split_once(" This is a fresh cluster;") {
            Some((why, _)) => format!("{why} This is a fresh cluster. {reset}"),
            None => format!("{c} {reset}"),
        },
        None => reset,
    })
}

/// Why the cluster kept in this browser could not be replayed, said of the kept cluster: the
/// replay's own messages speak of a share link, which the learner did not use.
pub fn kept_cluster_problem(message: &str) -> String {
    message
        .replace("the shared cluster in this link is damaged", "its record is damaged")
        .replace("this link was made by another version of kubeplay", "it was kept by another version of kubeplay")
}

/// Keeps the cluster's action log at once, without waiting: the page is going away, so
/// nothing asynchronous would finish. The local cluster answers on the first poll.
fn save_now(client: &ClusterHandle) {
    if !crate::persisting() {
        return;
    }
    let mut reply = client.0.share();
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    if let std::task::Poll::Ready(Ok(log)) = reply.as_mut().poll(&mut cx) {
        crate::kept::set_item_leaving(&crate::storage_key(CLUSTER_KEY), &log);
    }
}
