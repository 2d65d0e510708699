//! The evaluator against client-go's jsonpath_test.go and parser_test.go cases
//! (rewritten over JSON maps, so struct field order becomes sorted key order), the
//! formatting rules, malformed input, and `kubectl get -o jsonpath|custom-columns`
//! end to end.

use super::*;
use crate::api::Kind;
use crate::clock::Duration;
use crate::cluster::{Cluster, ClusterSettings};
use crate::kubectl::run;
use serde_json::json;

fn eval(template: &str, data: &Value, allow_missing: bool) -> Result<String, String> {
    parse(template)?.execute(data, allow_missing)
}

/// Each (name, template, expected output) must print exactly that.
fn expect_output(cases: &[(&str, &str, &str)], data: &Value, allow_missing: bool) {
    for (name, template, want) in cases {
        assert_eq!(eval(template, data, allow_missing).as_deref(), Ok(*want), "{name}: {template}");
    }
}

/// Each (name, template, expected error) must fail with exactly that message.
fn expect_error(cases: &[(&str, &str, &str)], data: &Value, allow_missing: bool) {
    for (name, template, want) in cases {
        assert_eq!(eval(template, data, allow_missing), Err(want.to_string()), "{name}: {template}");
    }
}

fn store() -> Value {
    json!({
        "Name": "jsonpath",
        "Book": [
            {"Category": "reference", "Author": "Nigel Rees", "Title": "Sayings of the Centurey", "Price": 8.95},
            {"Category": "fiction", "Author": "Evelyn Waugh", "Title": "Sword of Honour", "Price": 12.99},
            {"Category": "fiction", "Author": "Herman Melville", "Title": "Moby Dick", "Price": 8.99},
        ],
        "Bicycle": [
            {"Color": "red", "Price": 19.95, "IsNew": true},
            {"Color": "green", "Price": 20.01, "IsNew": false},
        ],
        "Labels": {"engieer": 10, "web/html": 15, "k8s-app": 20},
        "Employees": {"jason": "manager", "dan": "clerk"},
    })
}

fn nodes() -> Value {
    json!({
        "kind": "List",
        "items": [
            {
                "kind": "None",
                "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
                "status": {"capacity": {"cpu": "4"}, "ready": true, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]},
            },
            {
                "kind": "None",
                "metadata": {"name": "127.0.0.2", "labels": {"kubernetes.io/hostname": "127.0.0.2"}},
                "status": {
                    "capacity": {"cpu": "8"},
                    "ready": false,
                    "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"}, {"type": "another", "address": "127.0.0.3"}],
                },
            },
        ],
        "users": [
            {"name": "myself", "user": {}},
            {"name": "e2e", "user": {"username": "admin", "password": "secret"}},
        ],
    })
}

fn six_containers() -> Value {
    let containers: Vec<Value> = (0..6).map(|i| json!({"image": "radial/busyboxplus:curl", "name": format!("fake{i}")})).collect();
    json!({"apiVersion": "v1", "kind": "Pod", "spec": {"containers": containers}})
}

#[test]
fn slices_of_every_type() {
    let types = json!({
        "bools": [true, false, true, false],
        "integers": [1, 2, 3, 4],
        "floats": [1.0, 2.2, 3.3, 4.0],
        "strings": ["one", "two", "three", "four"],
        "interfaces": [true, "one", 1, 1.1],
        "maps": [
            {"name": "one", "value": 1},
            {"name": "two", "value": 2.02},
            {"name": "three", "value": 3.03},
            {"name": "four", "value": 4.04},
        ],
    });
    expect_output(
        &[
            ("boolSlice", "{ .bools }", "[true,false,true,false]"),
            ("boolSliceIndex", "{ .bools[0] }", "true"),
            ("boolSliceIndexReverse", "{ .bools[-1] }", "false"),
            ("boolSubSlice", "{ .bools[0:2] }", "true false"),
            ("boolSubSliceFirst2", "{ .bools[:2] }", "true false"),
            ("boolSubSliceStep2", "{ .bools[:4:2] }", "true true"),
            ("integerSlice", "{ .integers }", "[1,2,3,4]"),
            ("integerSliceIndexReverse", "{ .integers[-2] }", "3"),
            ("integerSubSliceStep2", "{ .integers[:4:2] }", "1 3"),
            ("floatSlice", "{ .floats }", "[1,2.2,3.3,4]"),
            ("floatSliceIndex", "{ .floats[0] }", "1"),
            ("floatSliceIndexReverse", "{ .floats[-2] }", "3.3"),
            ("floatSubSliceFirst2", "{ .floats[0:2] }", "1 2.2"),
            ("floatSubSliceStep2", "{ .floats[:4:2] }", "1 3.3"),
            ("stringSlice", "{ .strings }", r#"["one","two","three","four"]"#),
            ("stringSliceIndex", "{ .strings[0] }", "one"),
            ("stringSubSliceStep2", "{ .strings[:4:2] }", "one three"),
            ("interfaceSlice", "{ .interfaces }", r#"[true,"one",1,1.1]"#),
            ("interfaceSliceIndexReverse", "{ .interfaces[-2] }", "1"),
            ("interfaceSubSliceFirst2", "{ .interfaces[0:2] }", "true one"),
            ("interfaceSubSliceStep2", "{ .interfaces[:4:2] }", "true 1"),
            ("mapSliceIndex", "{ .maps[0] }", r#"{"name":"one","value":1}"#),
            ("mapSliceIndexReverse", "{ .maps[-2] }", r#"{"name":"three","value":3.03}"#),
            ("mapSubSliceFirst2", "{ .maps[0:2] }", r#"{"name":"one","value":1} {"name":"two","value":2.02}"#),
            ("mapSubSliceStepOdd", "{ .maps[::2] }", r#"{"name":"one","value":1} {"name":"three","value":3.03}"#),
            ("mapSubSliceStepEven", "{ .maps[1::2] }", r#"{"name":"two","value":2.02} {"name":"four","value":4.04}"#),
        ],
        &types,
        false,
    );
}

#[test]
fn store_queries() {
    let s = store();
    expect_output(
        &[
            ("plain", "hello jsonpath", "hello jsonpath"),
            ("quote", r#"{"{"}"#, "{"),
            ("variable", "hello {.Name}", "hello jsonpath"),
            ("dict/", "{$.Labels.web/html}", "15"),
            ("dict/ employees", "{$.Employees.jason}", "manager"),
            ("dict-", "{.Labels.k8s-app}", "20"),
            ("nest", "{.Bicycle[*].Color}", "red green"),
            ("allarray", "{.Book[*].Author}", "Nigel Rees Evelyn Waugh Herman Melville"),
            ("allfields (keys in sorted order)", r#"{range .Bicycle[*]}{ "{" }{ @.* }{ "} " }{end}"#, "{red true 19.95} {green false 20.01} "),
            ("recurfields", "{..Price}", "19.95 20.01 8.95 12.99 8.99"),
            ("recurdotfields", "{...Price}", "19.95 20.01 8.95 12.99 8.99"),
            ("allstructsSlice", "{.Bicycle}", r#"[{"Color":"red","IsNew":true,"Price":19.95},{"Color":"green","IsNew":false,"Price":20.01}]"#),
            ("allstructs", r#"{range .Bicycle[*]}{ @ }{ " " }{end}"#, r#"{"Color":"red","IsNew":true,"Price":19.95} {"Color":"green","IsNew":false,"Price":20.01} "#),
            ("lastarray", "{.Book[-1:]}", r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#),
            ("recurarray", "{..Book[2]}", r#"{"Author":"Herman Melville","Category":"fiction","Price":8.99,"Title":"Moby Dick"}"#),
            ("bool", "{.Bicycle[?(@.IsNew==true)]}", r#"{"Color":"red","IsNew":true,"Price":19.95}"#),
        ],
        &s,
        false,
    );
    expect_output(&[("filter", "{[?(@<5)]}", "2 3")], &json!([2, 6, 3, 7]), false);
    expect_output(&[("union", "{[1,3,4]}", "1 3 4")], &json!([0, 1, 2, 3, 4]), false);
    expect_output(&[("array", "{[0:2]}", "Monday Tudesday")], &json!(["Monday", "Tudesday"]), false);
    expect_output(&[("recursive", "{..}", "[1,2,3]")], &json!([1, 2, 3]), false);
    expect_error(&[("superrecurfields", "{............Price}", "invalid multiple recursive descent")], &s, false);
}

#[test]
fn missing_keys_print_nothing_when_allowed() {
    expect_output(&[("nonexistent field", "{.hello}", ""), ("nonexistent field 2", "before-{.hello}after", "before-after")], &store(), true);
}

#[test]
fn execution_errors_read_like_client_go() {
    expect_error(
        &[
            ("invalid identifier", "{hello}", "unrecognized identifier hello"),
            ("nonexistent field", "{.hello}", "hello is not found"),
            ("invalid array", "{.Labels[0]}", "map[string]interface {} is not array or slice"),
            ("invalid filter operator", "{.Book[?(@.Price<>10)]}", "unrecognized filter operator <>"),
            ("redundant end", "{range .Labels.*}{@}{end}{end}", "not in range, nothing to end"),
            ("filter a map", "{.Labels[?(@.x)]}", "map[engieer:10 k8s-app:20 web/html:15] is not array or slice and cannot be filtered"),
            ("compare a string with a number", "{.Book[?(@.Author>3)]}", "incompatible types for comparison"),
            ("compare a float with an int", "{.Book[?(@.Price>3)]}", "incompatible types for comparison"),
            ("order booleans", "{.Bicycle[?(@.IsNew<true)]}", "invalid type for comparison"),
            ("compare a map", "{.Book[?(@.Author.x==3)]}", "x is not found"),
            ("several values", r#"{.Book[?(@.*=="x")]}"#, "can only compare one element at a time"),
            ("string index", "{.Name[0]}", "string is not array or slice"),
        ],
        &store(),
        false,
    );
}

#[test]
fn json_input_filters() {
    let points = json!([
        {"id": "i1", "x": 4, "y": -5},
        {"id": "i2", "x": -2, "y": -5, "z": 1},
        {"id": "i3", "x": 8, "y": 3},
        {"id": "i4", "x": -6, "y": -1},
        {"id": "i5", "x": 0, "y": 2, "z": 1},
        {"id": "i6", "x": 1, "y": 4},
    ]);
    expect_output(
        &[
            ("exists filter", "{[?(@.z)].id}", "i2 i5"),
            ("bracket key", "{[0]['id']}", "i1"),
            ("less than", "{[?(@.x<0)].id}", "i2 i4"),
            ("greater or equal", "{[?(@.y>=2)].id}", "i3 i5 i6"),
            ("not equal", "{[?(@.x!=4)].id}", "i2 i3 i4 i5 i6"),
            ("string equality", r#"{[?(@.id=="i3")].x}"#, "8"),
            ("string order", "{[?(@.id<='i2')].id}", "i1 i2"),
        ],
        &points,
        false,
    );
}

#[test]
fn kubernetes_use_cases() {
    expect_output(
        &[
            ("range item", "{range .items[*]}{.metadata.name}, {end}{.kind}", "127.0.0.1, 127.0.0.2, List"),
            ("range item with quote", r#"{range .items[*]}{.metadata.name}{"\t"}{end}"#, "127.0.0.1\t127.0.0.2\t"),
            ("range addresss", "{.items[*].status.addresses[*].address}", "127.0.0.1 127.0.0.2 127.0.0.3"),
            ("double range", "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}", "127.0.0.1, 127.0.0.2, 127.0.0.3, "),
            ("item name", "{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"),
            ("union nodes capacity", "{.items[*]['metadata.name', 'status.capacity']}", r#"127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}"#),
            ("range nodes capacity", "{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}", r#"[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] "#),
            ("user password", r#"{.users[?(@.name=="e2e")].user.password}"#, "secret"),
            ("hostname", r"{.items[0].metadata.labels.kubernetes\.io/hostname}", "127.0.0.1"),
            ("hostname filter", r#"{.items[?(@.metadata.labels.kubernetes\.io/hostname=="127.0.0.1")].kind}"#, "None"),
            ("bool item", "{.items[?(@..ready==true)].metadata.name}", "127.0.0.1"),
            ("recursive name", "{..name}", "127.0.0.1 127.0.0.2 myself e2e"),
            ("quoted key", r"{.items[1].metadata.labels['kubernetes\.io/hostname']}", "127.0.0.2"),
            ("current object", "{@.kind}", "List"),
            ("number literal", "{3}", "3"),
        ],
        &nodes(),
        false,
    );
}

#[test]
fn empty_ranges_print_nothing() {
    let empty = json!({"items": []});
    expect_output(
        &[
            ("empty range", "{range .items[*]}{.metadata.name}{end}", ""),
            ("empty nested range", r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#, ""),
            ("text after an empty range", r#"{range .items[*]}{.x}{end}{"done"}"#, "done"),
        ],
        &empty,
        true,
    );
}

#[test]
fn nested_ranges() {
    let another = json!([{"name": "value1"}, {"name": "value2"}]);
    let data = json!({"items": [
        {"metadata": {"name": "pod1"}, "spec": {"containers": [{"name": "foo", "another": another}, {"name": "bar", "another": another}]}},
        {"metadata": {"name": "pod2"}, "spec": {"containers": [{"name": "baz", "another": another}]}},
    ]});
    expect_output(
        &[
            ("nested range with a trailing newline", r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#, "pod1:foo,bar,+pod2:baz,+"),
            (
                "nested range within another nested range",
                r##"{range .items[*]}{.metadata.name}{"~"}{range @.spec.containers[*]}{.name}{":"}{range @.another[*]}{.name}{","}{end}{"+"}{end}{"#"}{end}"##,
                "pod1~foo:value1,value2,+bar:value1,value2,+#pod2~baz:value1,value2,+#",
            ),
            (
                "two nested ranges at the same level",
                r#"{range .items[*]}{.metadata.name}{"\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\t"}{range @.spec.containers[*]}{.name}{" "}{end}{"\n"}{end}"#,
                "pod1\tfoo bar \tfoo bar \npod2\tbaz \tbaz \n",
            ),
            ("a range without end runs its body again after the loop", r#"{range .items[*]}{.metadata.name}{" "}"#, "pod1 pod2  "),
        ],
        &data,
        true,
    );
}

#[test]
fn filters_tolerate_items_missing_the_key_only_when_allowed() {
    let data = json!({"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "pod1", "annotations": {"color": "blue"}}},
        {"kind": "Pod", "metadata": {"name": "pod2"}},
        {"kind": "Pod", "metadata": {"name": "pod3", "annotations": {"color": "green"}}},
        {"kind": "Pod", "metadata": {"name": "pod4", "annotations": {"color": "blue"}}},
    ]});
    let template = r#"{.items[?(@.metadata.annotations.color=="blue")].metadata.name}"#;
    assert_eq!(eval(template, &data, true).as_deref(), Ok("pod1 pod4"));
    assert_eq!(eval(template, &data, false), Err("annotations is not found".to_string()));
}

#[test]
fn filter_without_at_skips_items_missing_the_key() {
    let data = json!({"kind": "List", "items": [
        {"kind": "Pod", "metadata": {"name": "pod1"}, "status": {"phase": "Running"}},
        {"kind": "Pod", "metadata": {"name": "pod2"}, "status": {"phase": "Running"}},
        {"kind": "Pod", "metadata": {"name": "pod3"}, "status": {"phase": "Running"}},
        {"resourceVersion": ""},
    ]});
    let template = r#"{range .items[?(.status.phase=="Running")]}{.metadata.name}{" is Running\n"}{end}"#;
    assert_eq!(eval(template, &data, true).as_deref(), Ok("pod1 is Running\npod2 is Running\npod3 is Running\n"));
}

#[test]
fn negative_indexes() {
    let mut pod = six_containers();
    pod["spec"]["containers"].as_array_mut().unwrap().truncate(4);
    expect_output(
        &[
            ("containers[0]", "{.spec.containers[0].name}", "fake0"),
            ("containers[0:0] is empty", "{.spec.containers[0:0].name}", ""),
            ("containers[0:-1]", "{.spec.containers[0:-1].name}", "fake0 fake1 fake2"),
            ("containers[-1]", "{.spec.containers[-1].name}", "fake3"),
            ("containers[-1:]", "{.spec.containers[-1:].name}", "fake3"),
            ("containers[-2]", "{.spec.containers[-2].name}", "fake2"),
            ("containers[-2:]", "{.spec.containers[-2:].name}", "fake2 fake3"),
            ("containers[-3]", "{.spec.containers[-3].name}", "fake1"),
            ("containers[-4]", "{.spec.containers[-4].name}", "fake0"),
            ("containers[-4:]", "{.spec.containers[-4:].name}", "fake0 fake1 fake2 fake3"),
            ("containers[5:5] is empty", "{.spec.containers[5:5].name}", ""),
            ("containers[-5:-5] is empty", "{.spec.containers[-5:-5].name}", ""),
            ("[] is [0] in client-go", "{.spec.containers[].name}", "fake0"),
            ("[*]", "{.spec.containers[*].name}", "fake0 fake1 fake2 fake3"),
        ],
        &pod,
        false,
    );
    expect_error(
        &[
            ("containers[-1:0]", "{.spec.containers[-1:0].name}", "starting index 3 is greater than ending index 0"),
            ("containers[-5]", "{.spec.containers[-5].name}", "array index out of bounds: index -1, length 4"),
            ("containers[3:1]", "{.spec.containers[3:1].name}", "starting index 3 is greater than ending index 1"),
            ("containers[-1:-2]", "{.spec.containers[-1:-2].name}", "starting index 3 is greater than ending index 2"),
            ("containers[4]", "{.spec.containers[4].name}", "array index out of bounds: index 4, length 4"),
            ("containers[0:9]", "{.spec.containers[0:9].name}", "array index out of bounds: index 8, length 4"),
        ],
        &pod,
        true,
    );
}

#[test]
fn steps() {
    let pod = six_containers();
    expect_output(
        &[
            ("containers[0:]", "{.spec.containers[0:].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
            ("containers[0:6:]", "{.spec.containers[0:6:].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
            ("containers[0:6:1]", "{.spec.containers[0:6:1].name}", "fake0 fake1 fake2 fake3 fake4 fake5"),
            ("containers[1:4:2]", "{.spec.containers[1:4:2].name}", "fake1 fake3"),
            ("containers[1:4:3]", "{.spec.containers[1:4:3].name}", "fake1"),
            ("containers[1:4:4]", "{.spec.containers[1:4:4].name}", "fake1"),
            ("containers[0:6:2]", "{.spec.containers[0:6:2].name}", "fake0 fake2 fake4"),
            ("containers[0:6:3]", "{.spec.containers[0:6:3].name}", "fake0 fake3"),
            ("containers[0:6:5]", "{.spec.containers[0:6:5].name}", "fake0 fake5"),
            ("containers[0:6:6]", "{.spec.containers[0:6:6].name}", "fake0"),
        ],
        &pod,
        false,
    );
    expect_error(&[("step 0", "{.spec.containers[0:6:0].name}", "step must be > 0"), ("step -1", "{.spec.containers[0:6:-1].name}", "step must be > 0")], &pod, false);
}

fn list(nodes: Vec<Node>) -> Node {
    Node::List(nodes)
}

fn field(name: &str) -> Node {
    Node::Field(name.into())
}

fn param(value: i64, known: bool, derived: bool) -> Param {
    Param { value, known, derived }
}

fn filter(left: Vec<Node>, op: &str, right: Vec<Node>) -> Node {
    Node::Filter { left, right, op: op.into() }
}

#[test]
fn parser_builds_client_gos_nodes() {
    let os_image = || vec![field("status"), field("nodeInfo"), field("osImage")];
    let text = |s: &str| vec![Node::Text(s.into())];
    let cases: Vec<(&str, Vec<Node>)> = vec![
        ("hello jsonpath", vec![Node::Text("hello jsonpath".into())]),
        ("hello {.jsonpath}", vec![Node::Text("hello ".into()), list(vec![field("jsonpath")])]),
        ("hello {['jsonpath']}", vec![Node::Text("hello ".into()), list(vec![field("jsonpath")])]),
        (r#"{"{"}"#, vec![list(text("{"))]),
        ("{[1:3]}", vec![list(vec![Node::Array([param(1, true, false), param(3, true, false), param(0, false, false)])])]),
        ("{.book[*].author}", vec![list(vec![field("book"), Node::Array([Param::default(); 3]), field("author")])]),
        ("{.bicycle.*}", vec![list(vec![field("bicycle"), Node::Wildcard])]),
        ("{[?(@.price<3)]}", vec![list(vec![filter(vec![field("price")], "<", vec![Node::Int(3)])])]),
        ("{..}", vec![list(vec![Node::Recursive])]),
        ("{..price}", vec![list(vec![Node::Recursive, field("price")])]),
        ("{['book.price']}", vec![list(vec![field("book"), field("price")])]),
        (
            "{['bicycle.price', 3, 'book.price']}",
            vec![list(vec![Node::Union(vec![
                vec![field("bicycle"), field("price")],
                vec![Node::Array([param(3, true, false), param(4, true, true), param(0, false, false)])],
                vec![field("book"), field("price")],
            ])])],
        ),
        (
            "{range .items}{.name},{end}",
            vec![list(vec![Node::Identifier("range".into()), field("items")]), list(vec![field("name")]), Node::Text(",".into()), list(vec![Node::Identifier("end".into())])],
        ),
        (r#"{[?(@.status.nodeInfo.osImage == "()")]}"#, vec![list(vec![filter(os_image(), "==", text("()"))])]),
        (r#"{[?(@.status.nodeInfo.osImage == "(\"\")")]}"#, vec![list(vec![filter(os_image(), "==", text(r#"("")"#))])]),
        (r#"{[?(@.test == "())(")]}"#, vec![list(vec![filter(vec![field("test")], "==", text("())("))])]),
        ("{[?(@.status.nodeInfo.osImage == 'Linux')]}", vec![list(vec![filter(os_image(), "==", text("Linux"))])]),
        (r#"{[?(@.status.nodeInfo.osImage == "{[()]}")]}"#, vec![list(vec![filter(os_image(), "==", text("{[()]}"))])]),
        (r#"{[?(@.status.nodeInfo.osImage == "''")]}"#, vec![list(vec![filter(os_image(), "==", text("''"))])]),
        (r#"{[?(@.status.nodeInfo.osImage == '""')]}"#, vec![list(vec![filter(os_image(), "==", text(r#""""#))])]),
        (r"{[?(@.status.nodeInfo.osImage == '\\\'')]}", vec![list(vec![filter(os_image(), "==", text(r"\'"))])]),
        ("{[-5:]}", vec![list(vec![Node::Array([param(-5, true, false), param(0, false, false), param(0, false, false)])])]),
        ("{[-1]}", vec![list(vec![Node::Array([param(-1, true, false), param(0, true, true), param(0, false, false)])])]),
        ("{[1:-1]}", vec![list(vec![Node::Array([param(1, true, false), param(-1, true, false), param(0, false, false)])])]),
        ("{[]}", vec![list(vec![Node::Array([param(0, false, false), param(1, true, true), param(0, false, false)])])]),
        ("{[?(@.z)]}", vec![list(vec![filter(vec![field("z")], "exists", vec![])])]),
        ("{true 2.5 -3}", vec![list(vec![Node::Bool(true), Node::Float(2.5), Node::Int(-3)])]),
        (r"{.metadata.labels.app\.kubernetes\.io/name}", vec![list(vec![field("metadata"), field("labels"), field("app.kubernetes.io/name")])]),
    ];
    for (template, want) in cases {
        assert_eq!(parse(template).map(|t| t.nodes), Ok(want), "{template}");
    }
}

#[test]
fn parse_errors_read_like_client_go() {
    let cases = [
        ("{.hello", "unclosed action"),
        ("{*}", "unrecognized character in action: U+002A '*'"),
        ("{+12.3.0}", "cannot parse number +12.3.0"),
        ("{[1}", "unterminated array"),
        ("{.items[}", "unterminated array"),
        ("{[?(.price]}", "unterminated filter"),
        ("{........}", "invalid multiple recursive descent"),
        (r"{\\\}", r"unrecognized character in action: U+005C '\'"),
        ("{.a\n}", "unclosed action"),
        ("{\t}", "unrecognized character in action: U+0009"),
        ("{.a == 1}", "unrecognized character in action: U+003D '='"),
        ("{'abc}", "unterminated quoted string"),
        (r#"{"\q"}"#, r#"unquote string "\q" error invalid syntax"#),
        ("{[a]}", "invalid array index a"),
        ("{[1:x]}", "invalid array index 1:x"),
        ("{[-]}", "array index - is not a number"),
        ("{[99999999999999999999]}", "array index 99999999999999999999 is not a number"),
        ("{[?(@.a)x]}", "unclosed array expect ]"),
        (r#"{.a[?(@.b=="x"}"#, "unterminated filter"),
        ("{[1,}", "unterminated array"),
        ("{[1,a]}", "invalid array index a"),
    ];
    for (template, want) in cases {
        assert_eq!(parse(template).map(|_| ()), Err(want.to_string()), "{template:?}");
    }
    assert_eq!(go_sharp_u('\''), "U+0027 '''");
}

#[test]
fn values_print_as_client_go_prints_them() {
    let data = json!({
        "s": "raw \"text\"", "i": 42, "neg": -7, "f": 0.5, "big": 1234567.5, "tiny": 0.00001, "whole": 3.0,
        "t": true, "n": null, "m": {"b": 1, "a": "<x&y>"}, "l": [1, "two", null, {"k": []}], "e": {}, "el": [],
    });
    expect_output(
        &[
            ("string raw", "{.s}", "raw \"text\""),
            ("integers", "{.i} {.neg}", "42 -7"),
            ("float", "{.f}", "0.5"),
            ("large float uses an exponent", "{.big}", "1.2345675e+06"),
            ("small float uses an exponent", "{.tiny}", "1e-05"),
            ("whole float", "{.whole}", "3"),
            ("bool", "{.t}", "true"),
            ("null", "{.n}", "<nil>"),
            ("map as compact JSON, keys sorted, HTML escaped", "{.m}", r#"{"a":"\u003cx\u0026y\u003e","b":1}"#),
            ("list as compact JSON", "{.l}", r#"[1,"two",null,{"k":[]}]"#),
            ("empty map and list", "{.e} {.el}", "{} []"),
            ("several results joined by a space", "{.l[*]}", r#"1 two <nil> {"k":[]}"#),
            ("wildcard on a scalar yields nothing", "{.t.*}{.i.*}", ""),
            ("literal text around", "a{.i}b{'\\n'}", "a42b\n"),
        ],
        &data,
        true,
    );
    assert_eq!(eval("{.s.*}", &json!({"s": "ab"}), true).as_deref(), Ok("97 98"));
    assert_eq!(go_sprint(&data["l"]), "[1 two <nil> map[k:[]]]");
    assert_eq!(go_sprint(&data["m"]), "map[a:<x&y> b:1]");
    assert_eq!(go_sharp_v(&data["l"]), r#"[]interface {}{1, "two", interface {}(nil), map[string]interface {}{"k":[]interface {}{}}}"#);
    assert_eq!(go_json_float(1e-7), "1e-7");
    assert_eq!(go_json_float(1e21), "1e+21");
    assert_eq!(go_json_float(2.5e-10), "2.5e-10");
    assert_eq!(go_quote("a\"b\\c\nd\u{1b}"), r#""a\"b\\c\nd\x1b""#);
    assert_eq!(as_decoded(&json!({"a": [2.0, 2.5, 18446744073709551615u64]})), json!({"a": [2, 2.5, 18446744073709551615.0]}));
}

#[test]
fn custom_columns_specs() {
    assert_eq!(relaxed_path("metadata.name").as_deref(), Ok("{.metadata.name}"));
    assert_eq!(relaxed_path(".metadata.name").as_deref(), Ok("{.metadata.name}"));
    assert_eq!(relaxed_path("{metadata.name}").as_deref(), Ok("{.metadata.name}"));
    assert_eq!(relaxed_path("{.metadata.name}").as_deref(), Ok("{.metadata.name}"));
    assert_eq!(relaxed_path("..image").as_deref(), Ok("{..image}"));
    assert_eq!(relaxed_path(".").as_deref(), Ok("{..}"));
    assert_eq!(relaxed_path("").as_deref(), Ok(""));
    assert!(relaxed_path("{.a").unwrap_err().starts_with("unexpected path string, expected a 'name1.name2'"));
    assert!(relaxed_path("{.a}{.b}").is_err());
    let err = |spec: &str| parse_columns(spec).err();
    assert_eq!(err("NAME").as_deref(), Some("unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>"));
    assert_eq!(err("").as_deref(), Some("custom-columns format specified but no custom columns given"));
    let columns = parse_columns("NAME:.metadata.name,X:a:b").unwrap();
    assert_eq!((columns[1].header.as_str(), columns[1].template.as_str()), ("X", "{.a:b}"));
}

/// Templates that are wrong in every way must end in an error or output, never a panic
/// or a hang.
#[test]
fn malformed_templates_never_panic() {
    let data = nodes();
    let mut templates: Vec<String> = [
        "{", "}", "{{", "}}", "{}", "{{}}", "{.", "{..", "{...}", "{.}", "{[", "{[]", "{]}", "{[[]]}", "{[[0]]}", "{[?", "{[?(", "{[?()]}", "{[?()", "{[?(@", "{[?(@.a==", "{[?(@.a==)]}",
        "{[?(==1)]}", "{[?(@.a=='x)]}", "{[?(@.a==\"x\")]", "{[?(@.a==\"x\"))]}", "{[?(\"\")]}", "{'", "{\"", "{'\\", "{\"\\\"}", "{\"\\x\"}", "{\"\\u12\"}", "{\"\\777\"}", "{\"\\U0011ffff\"}",
        "{[1:2:3:4]}", "{[::]}", "{[-]}", "{[--1]}", "{[,]}", "{[ , ]}", "{[',']}", "{['a','b'}", "{[''']}", "{range}", "{end}", "{range .items[*]}", "{range .items[*]}{end}{end}",
        "{range range}{end end}", "{.items[*]range}", "{@@@$$$}", "{+}", "{-}", "{+.}", "{1.2.3}", "{1e5}", "{.a\\}", "{.a\\", "{\\}", "{ }", "{\u{e9}}", "{.\u{1f600}}", "{[\u{1f600}]}",
        "{..[*]}", "{..*}", "{.*.*.*}", "{[-1:]}", "{[0:0]}", "{.items[9223372036854775807]}", "{.items[-9223372036854775808]}", "{.items[0:9223372036854775807:9223372036854775807]}",
        "{.items[?(@.status.ready<\"x\")]}", "{.items[?(@..name)]}", "{.items[?(@.kind>=@.kind)].kind}", "{[?(@)]}", "{.kind[?(@)]}", "{.items[?(@.metadata)]..name}", "text only", "}{",
        "{range .items[*]}{range @.status.addresses[*]}{.address}{end}", "{range .users[*]}{.user.*}{end}", "{range ..}{@}{end}",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    templates.push(format!("{}x{}", "{range @}".repeat(200), "{end}".repeat(200)));
    templates.push(format!("{{{}}}", "[?(@".repeat(300)));
    templates.push(format!("{{.a{}}}", "[0]".repeat(5000)));
    templates.push("{.items[*]}".repeat(5000));
    // Random templates from a tricky alphabet (a fixed linear congruential sequence).
    let pieces = ["{", "}", "[", "]", "(", ")", "?", "@", "$", ".", "..", "*", ":", ",", "'", "\"", "\\", "-", "+", "0", "1", "9", " ", "\t", "\n", "=", "==", "!=", "<", ">", "range", "end", "items", "name", "true", "x"];
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for _ in 0..4000 {
        let mut t = String::new();
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        for _ in 0..(seed >> 59) + 1 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            t.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        templates.push(format!("{{{t}}}"));
        templates.push(t);
    }
    for template in &templates {
        if let Ok(t) = parse(template) {
            let _ = t.execute(&data, true);
            let _ = t.execute(&data, false);
            let _ = t.execute(&Value::Null, false);
        }
        let _ = relaxed_path(template);
        let mut out = CommandOutput::default();
        let f = crate::kubectl::Flags::default();
        print(&format!("jsonpath={template}"), &f, &data, &mut out);
        print(&format!("custom-columns=A:{template},B:{template}"), &f, &data, &mut out);
    }
    // Deep nesting is refused rather than overflowing the stack.
    assert_eq!(parse(&format!("{{{}}}", "[?(@".repeat(300))).map(|_| ()), Err("unterminated filter".into()));
    assert!(eval(&format!("{}x{}", "{range @}".repeat(200), "{end}".repeat(200)), &data, true).is_err());
}

#[test]
fn runaway_templates_stop() {
    let mut deep = json!(1);
    for _ in 0..8 {
        deep = json!({ "x": deep });
    }
    let tenfold = "['x','x','x','x','x','x','x','x','x','x']";
    let result = eval(&format!("{{{}}}", tenfold.repeat(8)), &deep, true);
    assert_eq!(result, Err("the template produces too many results".into()));
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.25\n        ports:\n        - containerPort: 80\n";

const TWO_CONTAINERS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: pair\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: pair\n  template:\n    metadata:\n      labels:\n        app: pair\n    spec:\n      containers:\n      - name: web\n        image: nginx:1.25\n      - name: cache\n        image: redis:7\n";

fn cluster_with_web() -> Cluster {
    let mut c = Cluster::new(ClusterSettings::default());
    c.apply_manifest(DEPLOYMENT, "d.yaml");
    c.advance(Duration::seconds(30));
    c
}

fn pod_names(c: &Cluster) -> Vec<String> {
    c.store().list(Kind::Pod, Some("default")).map(|o| o.name().to_string()).collect()
}

/// stdout, stderr and exit code of one console line.
fn console(c: &mut Cluster, line: &str) -> (String, String, i32) {
    let out = run(c, line);
    (out.stdout, out.stderr, out.exit_code)
}

#[test]
fn get_jsonpath_prints_the_values_without_a_newline() {
    let mut c = cluster_with_web();
    let names = pod_names(&c);
    assert_eq!(names.len(), 2);
    let ok = |s: &str| (s.to_string(), String::new(), 0);
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath='{.items[*].spec.containers[*].image}'"), ok("nginx:1.25 nginx:1.25"));
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath='{.items[*].spec.containers[].image}'"), ok("nginx:1.25 nginx:1.25"));
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath='{.items[*].metadata.name}'"), ok(&names.join(" ")));
    assert_eq!(console(&mut c, "kubectl get pods -o=jsonpath={.items[0].metadata.name}"), ok(&names[0]));
    assert_eq!(console(&mut c, "kubectl get pods --output=jsonpath={.items[-1].metadata.name}"), ok(&names[1]));
    assert_eq!(console(&mut c, r#"kubectl get pods -o jsonpath='{.items[?(@.status.phase=="Running")].metadata.name}'"#), ok(&names.join(" ")));
    let table: String = names.iter().map(|n| format!("{n}\tRunning\n")).collect();
    assert_eq!(console(&mut c, r#"kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.status.phase}{"\n"}{end}'"#), ok(&table));
    assert_eq!(console(&mut c, "kubectl get deploy web -o jsonpath='{.spec.replicas}'"), ok("2"));
    assert_eq!(console(&mut c, "kubectl get deployment/web -o jsonpath='{.metadata.labels}'"), ok(r#"{"app":"web"}"#));
    assert_eq!(console(&mut c, "kubectl get deploy web -o jsonpath='{.metadata.labels.app} {.metadata.labels.missing}.'"), ok("web ."));
    assert_eq!(console(&mut c, r"kubectl get deploy web -o jsonpath='{.metadata.annotations.deployment\.kubernetes\.io/revision}'"), ok("1"));
    assert_eq!(console(&mut c, r"kubectl get deploy web -o jsonpath={.metadata.annotations[\'deployment\\.kubernetes\\.io/revision\']}"), ok("1"));
    assert_eq!(console(&mut c, "kubectl get deploy web -o jsonpath='{..image}'"), ok("nginx:1.25"));
    assert_eq!(console(&mut c, "kubectl get deploy web -o jsonpath='{.spec.template.spec.containers[0].ports[0]}'"), ok(r#"{"containerPort":80,"protocol":"TCP"}"#));
    assert_eq!(console(&mut c, "kubectl get deploy -o jsonpath='{.kind} {.items[*].kind}'"), ok("List Deployment"));
    let uid = console(&mut c, "kubectl get deploy web -o jsonpath={.metadata.uid}").0;
    assert_eq!(uid.len(), 36, "{uid}");
    let union = console(&mut c, "kubectl get pods -o jsonpath=\"{.items[*]['metadata.name', 'status.phase']}\"").0;
    assert_eq!(union, format!("{} Running Running", names.join(" ")));
}

#[test]
fn get_jsonpath_errors_read_like_kubectl() {
    let mut c = cluster_with_web();
    let err = |s: &str| (String::new(), s.to_string(), 1);
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath='{.items[}'"), err("error: error parsing jsonpath {.items[}, unterminated array\n"));
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath='{.items[?(@.a)x]}'"), err("error: error parsing jsonpath {.items[?(@.a)x]}, unclosed array expect ]\n"));
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath"), err("error: template format specified but no template given\n"));
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath="), err("error: template format specified but no template given\n"));
    assert_eq!(
        console(&mut c, "kubectl get pods -n empty -o jsonpath='{.items[0].metadata.name}'"),
        err("error: error executing jsonpath \"{.items[0].metadata.name}\": Error executing template: array index out of bounds: index 0, length 0. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.items[0].metadata.name}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":\"v1\", \"items\":[]interface {}{}, \"kind\":\"List\", \"metadata\":map[string]interface {}{\"resourceVersion\":\"\"}}\n\n\n")
    );
    assert_eq!(console(&mut c, "kubectl get pod nope -o jsonpath={.metadata.name}"), err("Error from server (NotFound): pods \"nope\" not found\n"));
    assert_eq!(console(&mut c, "kubectl get pods -n empty -o jsonpath={.items}"), ("[]".into(), String::new(), 0));
    // Source: kubectl 1.28, with no file x.
    assert_eq!(console(&mut c, "kubectl get pods -o jsonpath-file=x"), err("error: error reading --template x, open x: no such file or directory\n"));
}

#[test]
fn get_custom_columns_prints_an_aligned_table() {
    let mut c = cluster_with_web();
    let names = pod_names(&c);
    let width = names[0].len() + 3;
    let rows: String = names.iter().map(|n| format!("{n:<width$}nginx:1.25   Running   <none>\n")).collect();
    assert_eq!(
        console(&mut c, "kubectl get pods -o custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,PHASE:status.phase,NOMINATED:{.status.nominatedNodeName}"),
        (format!("{:<width$}IMAGE        PHASE     NOMINATED\n{rows}", "NAME"), String::new(), 0)
    );
    let hash = names[0].split('-').nth(1).unwrap();
    assert_eq!(
        console(&mut c, &format!("kubectl get pod {} -o custom-columns=LABELS:.metadata.labels,PORT:.spec.containers[0].ports[0].containerPort", names[0])),
        (format!("LABELS{}PORT\nmap[app:web pod-template-hash:{hash}]   80\n", " ".repeat(hash.len() + 28)), String::new(), 0)
    );
    c.apply_manifest(TWO_CONTAINERS, "p.yaml");
    assert_eq!(console(&mut c, "kubectl get deploy pair -o custom-columns=IMAGES:.spec.template.spec.containers[*].image"), ("IMAGES\nnginx:1.25,redis:7\n".into(), String::new(), 0));
    assert_eq!(console(&mut c, "kubectl get pods -n empty -o custom-columns=NAME:.metadata.name"), ("NAME\n".into(), String::new(), 0));
}

#[test]
fn get_custom_columns_errors_read_like_kubectl() {
    let mut c = cluster_with_web();
    let err = |s: &str| (String::new(), s.to_string(), 1);
    assert_eq!(console(&mut c, "kubectl get pods -o custom-columns=NAME"), err("error: unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>\n"));
    assert_eq!(console(&mut c, "kubectl get pods -o custom-columns="), err("error: custom-columns format specified but no custom columns given\n"));
    assert_eq!(
        console(&mut c, "kubectl get pods -o custom-columns=A:{.a"),
        err("error: unexpected path string, expected a 'name1.name2' or '.name1.name2' or '{name1.name2}' or '{.name1.name2}'\n")
    );
    assert_eq!(console(&mut c, "kubectl get pods -o custom-columns=A:.items["), ("A\n".into(), "error: unterminated array\n".into(), 1));
    assert_eq!(console(&mut c, "kubectl get pods -o custom-columns=N:.spec.containers[3].name"), ("N\n".into(), "error: array index out of bounds: index 3, length 1\n".into(), 1));
}

#[test]
fn jsonpath_as_json_prints_each_nodes_results_as_an_array() {
    let mut c = Cluster::new(ClusterSettings::default());
    // Source: kubectl 1.28, `create ... --dry-run=client -o jsonpath-as-json=...`.
    let cases = [
        ("{.spec.replicas}", "[\n    1\n]\n"),
        ("{.spec.template.spec.containers[*].name}{.metadata.labels}", "[\n    \"nginx\"\n]\n[\n    {\n        \"app\": \"x\"\n    }\n]\n"),
        ("{.nope}", "[]\n"),
        ("'{.metadata.name} and {.kind}'", "[\n    \"x\"\n]\n[\n    \" and \"\n]\n[\n    \"Deployment\"\n]\n"),
    ];
    for (template, expected) in cases {
        let out = run(&mut c, &format!("kubectl create deployment x --image=nginx --dry-run=client -o jsonpath-as-json={template}"));
        assert_eq!((out.stdout.as_str(), out.stderr.as_str()), (expected, ""), "{template}");
    }
    let escaped = run(&mut c, "kubectl create configmap c --from-literal=a='<&>' --dry-run=client -o jsonpath-as-json={.data.a}").stdout;
    assert_eq!(escaped, "[\n    \"\\u003c\\u0026\\u003e\"\n]\n");
    run(&mut c, "kubectl create deployment web --image=nginx --replicas=2");
    assert_eq!(run(&mut c, "kubectl get deploy web -o jsonpath-as-json={.spec.replicas}").stdout, "[\n    2\n]\n");
}

#[test]
fn custom_columns_without_headers() {
    let mut c = Cluster::new(ClusterSettings::default());
    run(&mut c, "kubectl create deployment web --image=nginx");
    run(&mut c, "kubectl create deployment api --image=nginx:1.25");
    let out = run(&mut c, "kubectl get deploy -o custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[0].image --no-headers");
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("api   nginx:1.25\nweb   nginx\n", ""));
}
