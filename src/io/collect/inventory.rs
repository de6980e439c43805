//! The inventory part: what runs as which role in a region, written under
//! the workspace's `Inventory` key in the shape [`crate::model::inventory`]
//! reads (each item tagged with its `Region` when regions are given).
//!
//! A list the part could not read in full (denied, throttled, a notebook
//! that could not be described) is named under `NotListed` with the
//! reason, so that it reads as not known rather than as empty: an empty
//! list would drop escalation paths through such resources.

use std::collections::HashSet;

use serde_json::{Map, Value, json};

use super::parts::{args, plain};
use super::workspace::Workspace;
use super::{Part, Session, Stop, part_region};
use crate::model::inventory::LISTS;

/// One command of the part, the IAM action it needs (said when it is
/// denied) and when it runs.
struct Command {
    args: &'static [&'static str],
    permission: &'static str,
    when: Option<&'static str>,
}

const LIST_FUNCTIONS: Command = Command {
    args: &["lambda", "list-functions"],
    permission: "lambda:ListFunctions",
    when: None,
};
const DESCRIBE_INSTANCES: Command = Command {
    args: &["ec2", "describe-instances"],
    permission: "ec2:DescribeInstances",
    when: Some("instances that are terminated or shutting down are left out"),
};
const INSTANCE_INFORMATION: Command = Command {
    args: &["ssm", "describe-instance-information"],
    permission: "ssm:DescribeInstanceInformation",
    when: Some("which instances Systems Manager manages"),
};
const DEV_ENDPOINTS: Command = Command {
    args: &["glue", "get-dev-endpoints"],
    permission: "glue:GetDevEndpoints",
    when: None,
};
const LIST_NOTEBOOKS: Command = Command {
    args: &["sagemaker", "list-notebook-instances"],
    permission: "sagemaker:ListNotebookInstances",
    when: None,
};
const DESCRIBE_NOTEBOOK: Command = Command {
    args: &[
        "sagemaker",
        "describe-notebook-instance",
        "--notebook-instance-name",
        "{}",
    ],
    permission: "sagemaker:DescribeNotebookInstance",
    when: Some("for each notebook instance listed (the listing has no role)"),
};
const DESCRIBE_STACKS: Command = Command {
    args: &["cloudformation", "describe-stacks"],
    permission: "cloudformation:DescribeStacks",
    when: None,
};

const COMMANDS: [&Command; 7] = [
    &LIST_FUNCTIONS,
    &DESCRIBE_INSTANCES,
    &INSTANCE_INFORMATION,
    &DEV_ENDPOINTS,
    &LIST_NOTEBOOKS,
    &DESCRIBE_NOTEBOOK,
    &DESCRIBE_STACKS,
];

/// The workspace key.
const KEY: &str = "Inventory";

/// The part's commands for `--dry-run`, with when each runs.
pub(super) fn commands() -> Vec<(Vec<String>, Option<String>)> {
    COMMANDS
        .iter()
        .map(|c| (args(c.args, "NOTEBOOK_INSTANCE_NAME"), c.when.map(str::to_owned)))
        .collect()
}

/// Whether an entry (an item or a `NotListed` entry) came from `region`'s
/// part; without regions, the one part brought everything.
fn from_region(entry: &Value, region: Option<&str>) -> bool {
    region.is_none_or(|r| entry.get("Region").and_then(Value::as_str) == Some(r))
}

/// Drop what the part for `region` brought last time.
pub(super) fn clear(region: Option<&str>, w: &mut Workspace) {
    let Some(Value::Object(mut inventory)) = w.value(KEY) else {
        return;
    };
    for list in LISTS.iter().chain(["NotListed"].iter()) {
        if let Some(Value::Array(items)) = inventory.get_mut(*list) {
            items.retain(|item| !from_region(item, region));
        }
    }
    w.set(KEY, &Value::Object(inventory));
}

/// What one region gave: items per list, and the lists it could not read.
struct Found {
    region: Option<String>,
    lists: Vec<(&'static str, Vec<Value>)>,
    not_listed: Vec<Value>,
}

impl Found {
    fn item(&self, mut item: Map<String, Value>) -> Value {
        if let Some(region) = &self.region {
            item.insert("Region".to_owned(), region.clone().into());
        }
        Value::Object(item)
    }

    fn listed(&mut self, list: &'static str, items: Vec<Map<String, Value>>) {
        let items = items.into_iter().map(|i| self.item(i)).collect();
        self.lists.push((list, items));
    }

    /// `list` could not be read in full: the reason is the problem just said.
    fn not_listed(&mut self, list: &'static str, s: &Session<'_>) {
        let reason = s.problems.last().map_or_else(|| "not read".to_owned(), |p| p.brief());
        let mut entry = Map::new();
        entry.insert("List".to_owned(), list.into());
        if let Some(region) = &self.region {
            entry.insert("Region".to_owned(), region.clone().into());
        }
        entry.insert("Reason".to_owned(), reason.into());
        self.not_listed.push(Value::Object(entry));
    }
}

/// The objects of the list `value[list]`, as the CLI printed them.
fn objects<'v>(value: &'v Value, list: &str) -> impl Iterator<Item = &'v Map<String, Value>> {
    value
        .get(list)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
}

/// The fields kept (those the inventory reads, and the item's ARN or state), from one item the CLI printed.
fn pick(item: &Map<String, Value>, keys: &[&str]) -> Map<String, Value> {
    keys.iter()
        .filter_map(|k| item.get(*k).map(|v| ((*k).to_owned(), v.clone())))
        .collect()
}

/// A listing whose items name their role themselves.
struct Listing {
    command: &'static Command,
    /// What it lists, in messages.
    what: &'static str,
    /// The list in the command's output, and the inventory's.
    output: &'static str,
    list: &'static str,
    /// The fields an item must have; those kept.
    required: &'static [&'static str],
    kept: &'static [&'static str],
    /// Whether an item still exists.
    exists: fn(&Map<String, Value>) -> bool,
}

const FUNCTIONS: Listing = Listing {
    command: &LIST_FUNCTIONS,
    what: "Lambda functions",
    output: "Functions",
    list: "LambdaFunctions",
    required: &["FunctionName", "Role"],
    kept: &["FunctionName", "FunctionArn", "Role"],
    exists: |_| true,
};

const DEV_ENDPOINT_LIST: Listing = Listing {
    command: &DEV_ENDPOINTS,
    what: "Glue development endpoints",
    output: "DevEndpoints",
    list: "GlueDevEndpoints",
    required: &["EndpointName", "RoleArn"],
    kept: &["EndpointName", "RoleArn"],
    exists: |_| true,
};

const STACKS: Listing = Listing {
    command: &DESCRIBE_STACKS,
    what: "CloudFormation stacks",
    output: "Stacks",
    list: "CloudFormationStacks",
    required: &["StackName"],
    kept: &["StackName", "StackId", "RoleARN"],
    exists: |stack| stack.get("StackStatus").and_then(Value::as_str) != Some("DELETE_COMPLETE"),
};

fn simple_listing(part: &Part, s: &mut Session<'_>, found: &mut Found, l: &Listing) -> Result<(), Stop> {
    let listing = s.json(
        part,
        &plain(l.command.args),
        &|| format!("the {} and the roles they run as", l.what),
        l.command.permission,
    )?;
    match listing {
        Some(listing) => {
            let items = objects(&listing, l.output)
                .filter(|item| l.required.iter().all(|k| item.get(*k).is_some_and(Value::is_string)))
                .filter(|item| (l.exists)(item))
                .map(|item| pick(item, l.kept))
                .collect();
            found.listed(l.list, items);
        }
        None => found.not_listed(l.list, s),
    }
    Ok(())
}

pub(super) fn run(part: &Part, s: &mut Session<'_>, w: &mut Workspace) -> Result<(), Stop> {
    let mut found = Found {
        region: part_region(part).map(str::to_owned),
        lists: Vec::new(),
        not_listed: Vec::new(),
    };
    let mut calls = 6;
    s.size(part, calls);
    let title = |what: &str| format!("the {what} and the roles they run as");

    // Lambda functions: each runs as its execution role.
    simple_listing(part, s, &mut found, &FUNCTIONS)?;

    // EC2 instances run as the role of their instance profile; one that is
    // terminated or shutting down runs nothing any more.
    match s.json(
        part,
        &plain(DESCRIBE_INSTANCES.args),
        &|| title("EC2 instances"),
        DESCRIBE_INSTANCES.permission,
    )? {
        Some(listing) => {
            let instances: Vec<&Map<String, Value>> = objects(&listing, "Reservations")
                .filter_map(|r| r.get("Instances").and_then(Value::as_array))
                .flatten()
                .filter_map(Value::as_object)
                .filter(|i| i.get("InstanceId").is_some_and(Value::is_string))
                .filter(|i| {
                    let state = i.get("State").and_then(|s| s.get("Name")).and_then(Value::as_str);
                    !matches!(state, Some("terminated" | "shutting-down"))
                })
                .collect();
            let managed = if instances.is_empty() {
                Some(HashSet::new())
            } else {
                managed_instances(part, s)?
            };
            let items = instances
                .iter()
                .map(|i| {
                    let mut item = pick(i, &["InstanceId", "State"]);
                    if let Some(arn) = i.get("IamInstanceProfile").and_then(|p| p.get("Arn")) {
                        item.insert("IamInstanceProfile".to_owned(), json!({"Arn": arn}));
                    }
                    // Unknown when Systems Manager could not be asked.
                    if let (Some(managed), Some(id)) = (&managed, i.get("InstanceId").and_then(Value::as_str)) {
                        item.insert("SsmManaged".to_owned(), managed.contains(id).into());
                    }
                    item
                })
                .collect();
            found.listed("Ec2Instances", items);
        }
        None => found.not_listed("Ec2Instances", s),
    }

    simple_listing(part, s, &mut found, &DEV_ENDPOINT_LIST)?;

    // SageMaker's listing names the notebook instances; each one's role
    // is in its description.
    match s.json(
        part,
        &plain(LIST_NOTEBOOKS.args),
        &|| title("SageMaker notebook instances"),
        LIST_NOTEBOOKS.permission,
    )? {
        Some(listing) => {
            let names: Vec<String> = objects(&listing, "NotebookInstances")
                .filter_map(|n| n.get("NotebookInstanceName").and_then(Value::as_str).map(str::to_owned))
                .collect();
            calls += names.len();
            s.size(part, calls);
            let mut items = Vec::new();
            let mut complete = true;
            for name in &names {
                let described = s.json(
                    part,
                    &args(DESCRIBE_NOTEBOOK.args, name),
                    &|| format!("the role of SageMaker notebook instance {name}"),
                    DESCRIBE_NOTEBOOK.permission,
                )?;
                match described.as_ref().and_then(Value::as_object) {
                    Some(d) if d.get("RoleArn").is_some_and(Value::is_string) => {
                        let mut item = Map::new();
                        item.insert("NotebookInstanceName".to_owned(), name.clone().into());
                        item.extend(pick(d, &["RoleArn", "NotebookInstanceStatus"]));
                        items.push(item);
                    }
                    Some(_) => {}
                    None => complete = false,
                }
            }
            found.listed("SageMakerNotebookInstances", items);
            if !complete {
                found.not_listed("SageMakerNotebookInstances", s);
            }
        }
        None => found.not_listed("SageMakerNotebookInstances", s),
    }

    // A stack without a service role runs as its caller; it is listed all the same.
    simple_listing(part, s, &mut found, &STACKS)?;

    let mut inventory = match w.value(KEY) {
        Some(Value::Object(inventory)) => inventory,
        _ => Map::new(),
    };
    for (list, items) in found.lists {
        match inventory.entry(list).or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(known) => known.extend(items),
            other => *other = Value::Array(items),
        }
    }
    if !found.not_listed.is_empty() {
        match inventory.entry("NotListed").or_insert_with(|| Value::Array(Vec::new())) {
            Value::Array(known) => known.extend(found.not_listed),
            other => *other = Value::Array(found.not_listed),
        }
    }
    w.set(KEY, &Value::Object(inventory));
    Ok(())
}

/// The ids of the instances Systems Manager manages (registered with it,
/// online or not), or none when it could not be asked.
fn managed_instances(part: &Part, s: &mut Session<'_>) -> Result<Option<HashSet<String>>, Stop> {
    let Some(listing) = s.json(
        part,
        &plain(INSTANCE_INFORMATION.args),
        &|| "which EC2 instances Systems Manager manages".to_owned(),
        INSTANCE_INFORMATION.permission,
    )?
    else {
        return Ok(None);
    };
    Ok(Some(
        objects(&listing, "InstanceInformationList")
            .filter_map(|i| i.get("InstanceId").and_then(Value::as_str).map(str::to_owned))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_reads_and_names_an_action_of_the_catalogue() {
        let catalog = crate::catalog::catalog();
        for command in COMMANDS {
            let action = catalog
                .action(command.permission)
                .unwrap_or_else(|| panic!("{} is not in the catalogue", command.permission));
            assert!(
                matches!(action.access_level().as_str(), "List" | "Read"),
                "{}: {}",
                command.permission,
                action.access_level().as_str()
            );
            let operation = command.args[1];
            assert!(
                ["list-", "get-", "describe-"].iter().any(|p| operation.starts_with(p)),
                "{operation}"
            );
        }
    }
}
