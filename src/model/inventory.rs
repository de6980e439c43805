//! What runs in the account as which role — Lambda functions, EC2
//! instances, Glue development endpoints, SageMaker notebook instances,
//! CloudFormation stacks — which an IAM export does not show. An escalation
//! path that takes over "an existing Lambda function that runs as role R"
//! rests on an assumption; an inventory settles it: the path is certain
//! when the inventory lists such a resource, and dropped when the inventory
//! lists that kind of resource and none runs as R.
//!
//! It comes from a file given with `--inventory`, or from the `Inventory`
//! key of a workspace file (`iamscope collect` gathers it). Its item fields
//! are those the AWS CLI prints, so its lists can be cut from `aws lambda
//! list-functions`, `aws ec2 describe-instances`, `aws glue
//! get-dev-endpoints`, `aws sagemaker describe-notebook-instance` and `aws
//! cloudformation describe-stacks`:
//!
//! ```json
//! {"Inventory": {
//!   "LambdaFunctions": [{"FunctionName": "f", "Role": "arn:aws:iam::111122223333:role/R"}],
//!   "Ec2Instances": [{"InstanceId": "i-1", "IamInstanceProfile": {"Arn": "arn:aws:iam::111122223333:instance-profile/P"}, "SsmManaged": true}],
//!   "GlueDevEndpoints": [{"EndpointName": "e", "RoleArn": "arn:aws:iam::111122223333:role/R"}],
//!   "SageMakerNotebookInstances": [{"NotebookInstanceName": "n", "RoleArn": "arn:aws:iam::111122223333:role/R"}],
//!   "CloudFormationStacks": [{"StackName": "s", "RoleARN": "arn:aws:iam::111122223333:role/R"}],
//!   "NotListed": [{"List": "GlueDevEndpoints", "Region": "eu-west-1", "Reason": "denied"}]
//! }}
//! ```
//!
//! A list left out means "not known" (the path stays conditional); an empty
//! list means "there are none". A list that `NotListed` names could not be
//! read in full (in that region), so it is not known either. Other fields
//! of an item (`Region`, what the CLI printed besides) are kept as they are.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::model::Model;

/// The resources of an account that run as a role, as far as known.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Inventory {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_functions: Option<Vec<LambdaFunction>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ec2_instances: Option<Vec<Ec2Instance>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub glue_dev_endpoints: Option<Vec<GlueDevEndpoint>>,
    #[serde(rename = "SageMakerNotebookInstances", skip_serializing_if = "Option::is_none")]
    pub sagemaker_notebook_instances: Option<Vec<NotebookInstance>>,
    #[serde(rename = "CloudFormationStacks", skip_serializing_if = "Option::is_none")]
    pub cloudformation_stacks: Option<Vec<Stack>>,
    /// Lists that could not be read in full: each is not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_listed: Vec<NotListed>,
}

/// A list (one of [`LISTS`]) that could not be read in full, and why.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotListed {
    pub list: String,
    /// The region it could not be read in (none: the profile's own).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub reason: String,
}

/// The inventory's lists, as the file names them.
pub const LISTS: [&str; 5] = [
    "LambdaFunctions",
    "Ec2Instances",
    "GlueDevEndpoints",
    "SageMakerNotebookInstances",
    "CloudFormationStacks",
];

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LambdaFunction {
    pub function_name: String,
    pub role: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ec2Instance {
    pub instance_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_instance_profile: Option<ProfileRef>,
    /// Whether Systems Manager manages it (`aws ssm describe-instance-information`); unknown when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssm_managed: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProfileRef {
    pub arn: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlueDevEndpoint {
    pub endpoint_name: String,
    pub role_arn: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct NotebookInstance {
    pub notebook_instance_name: String,
    pub role_arn: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Stack {
    #[serde(rename = "StackName")]
    pub stack_name: String,
    /// A stack without a service role runs as its caller: no role to take over.
    #[serde(rename = "RoleARN", default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Why an inventory file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InventoryError {
    #[error("{file}:{at}: {message}")]
    Strict {
        file: String,
        at: crate::json::Location,
        message: String,
    },
    #[error(
        "{file}:{line}:{column}: {message} (JSON path {path}) — an inventory is {{\"Inventory\": {{\"LambdaFunctions\": [{{\"FunctionName\": …, \"Role\": ROLE_ARN}}], …}}}}; see `iamscope escalation --help`"
    )]
    Shape {
        file: String,
        line: usize,
        column: usize,
        path: String,
        message: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "Inventory")]
    inventory: Inventory,
}

const DEPTH: crate::json::DepthLimit = crate::json::DepthLimit {
    levels: 16,
    why: "an inventory nests 5 levels; a deeper file is not one",
};

impl Inventory {
    /// Read an inventory file (`file` names it in errors).
    pub fn from_json(file: &str, bytes: &[u8]) -> Result<Inventory, InventoryError> {
        crate::json::check(bytes, DEPTH).map_err(|e| InventoryError::Strict {
            file: file.to_owned(),
            at: e.location(),
            message: e.to_string(),
        })?;
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let parsed: Result<File, _> = serde_path_to_error::deserialize(&mut deserializer);
        match parsed {
            Ok(f) => Ok(f.inventory),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = inner.to_string();
                let message = match message.rfind(" at line ") {
                    Some(i) => message[..i].to_owned(),
                    None => message,
                };
                Err(InventoryError::Shape {
                    file: file.to_owned(),
                    line: inner.line(),
                    column: inner.column(),
                    path,
                    message,
                })
            }
        }
    }

    /// How many resources the inventory lists.
    pub fn resources(&self) -> usize {
        self.lambda_functions.as_ref().map_or(0, Vec::len)
            + self.ec2_instances.as_ref().map_or(0, Vec::len)
            + self.glue_dev_endpoints.as_ref().map_or(0, Vec::len)
            + self.sagemaker_notebook_instances.as_ref().map_or(0, Vec::len)
            + self.cloudformation_stacks.as_ref().map_or(0, Vec::len)
    }

    /// What the inventory says about resources of `kind` (a pattern's
    /// resource, e.g. "Lambda function") running as `role` (a role of
    /// `model`): `None` when it does not list that kind, otherwise the
    /// resources that do, each named ("Lambda function f").
    pub fn running_as(&self, model: &Model, kind: &str, role: usize) -> Option<Vec<String>> {
        let listed = |list: &str| !self.not_listed.iter().any(|n| n.list == list);
        let known = match kind {
            "Lambda function" => "LambdaFunctions",
            "Glue development endpoint" => "GlueDevEndpoints",
            "SageMaker notebook instance" => "SageMakerNotebookInstances",
            "CloudFormation stack" => "CloudFormationStacks",
            _ => "Ec2Instances",
        };
        if !listed(known) {
            return None;
        }
        let r = &model.account().roles[role];
        let arn = r.arn.as_str();
        let same = |other: &str| other == arn;
        let named = |noun: &str, names: Vec<&str>| names.into_iter().map(|n| format!("{noun} {n}")).collect();
        match kind {
            "Lambda function" => self.lambda_functions.as_ref().map(|list| {
                named(
                    "Lambda function",
                    list.iter()
                        .filter(|f| same(&f.role))
                        .map(|f| f.function_name.as_str())
                        .collect(),
                )
            }),
            "Glue development endpoint" => self.glue_dev_endpoints.as_ref().map(|list| {
                named(
                    "Glue development endpoint",
                    list.iter()
                        .filter(|e| same(&e.role_arn))
                        .map(|e| e.endpoint_name.as_str())
                        .collect(),
                )
            }),
            "SageMaker notebook instance" => self.sagemaker_notebook_instances.as_ref().map(|list| {
                named(
                    "SageMaker notebook instance",
                    list.iter()
                        .filter(|n| same(&n.role_arn))
                        .map(|n| n.notebook_instance_name.as_str())
                        .collect(),
                )
            }),
            "CloudFormation stack" => self.cloudformation_stacks.as_ref().map(|list| {
                named(
                    "CloudFormation stack",
                    list.iter()
                        .filter(|s| s.role_arn.as_deref().is_some_and(same))
                        .map(|s| s.stack_name.as_str())
                        .collect(),
                )
            }),
            "EC2 instance" | "EC2 instance managed by Systems Manager" => {
                self.ec2_instances.as_ref().and_then(|list| {
                    let profiles: Vec<&str> = r.instance_profiles.iter().map(|p| p.arn.as_str()).collect();
                    let of_role: Vec<&Ec2Instance> = list
                        .iter()
                        .filter(|i| {
                            i.iam_instance_profile
                                .as_ref()
                                .is_some_and(|p| profiles.contains(&p.arn.as_str()))
                        })
                        .collect();
                    if kind == "EC2 instance" {
                        return Some(named(
                            "EC2 instance",
                            of_role.iter().map(|i| i.instance_id.as_str()).collect(),
                        ));
                    }
                    // Managed by Systems Manager: known only when every such instance says.
                    if of_role.iter().any(|i| i.ssm_managed.is_none())
                        && !of_role.iter().any(|i| i.ssm_managed == Some(true))
                    {
                        return None;
                    }
                    Some(named(
                        "EC2 instance",
                        of_role
                            .iter()
                            .filter(|i| i.ssm_managed == Some(true))
                            .map(|i| i.instance_id.as_str())
                            .collect(),
                    ))
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn model() -> Model {
        let account = json!({
            "UserDetailList": [], "GroupDetailList": [], "Policies": [],
            "RoleDetailList": [{
                "RoleName": "Web", "RoleId": "AROAWEB", "Path": "/", "Arn": "arn:aws:iam::111122223333:role/Web",
                "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": []},
                "InstanceProfileList": [{
                    "InstanceProfileName": "WebProfile", "InstanceProfileId": "AIPAWEB", "Path": "/",
                    "Arn": "arn:aws:iam::111122223333:instance-profile/WebProfile", "Roles": []
                }]
            }]
        });
        crate::io::load_bytes("t.json", account.to_string().as_bytes())
            .unwrap()
            .model
    }

    fn inventory(value: serde_json::Value) -> Inventory {
        Inventory::from_json("inv.json", value.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn an_instance_runs_as_the_role_of_its_instance_profile() {
        let m = model();
        let profile = json!({"Arn": "arn:aws:iam::111122223333:instance-profile/WebProfile"});
        let listed = inventory(json!({"Inventory": {"Ec2Instances": [
            {"InstanceId": "i-1", "IamInstanceProfile": profile},
            {"InstanceId": "i-2"}
        ]}}));
        assert_eq!(
            listed.running_as(&m, "EC2 instance", 0),
            Some(vec!["EC2 instance i-1".to_owned()])
        );
        // Whether Systems Manager manages i-1 is not said: still unknown.
        assert_eq!(
            listed.running_as(&m, "EC2 instance managed by Systems Manager", 0),
            None
        );
        let managed = inventory(json!({"Inventory": {"Ec2Instances": [
            {"InstanceId": "i-1", "IamInstanceProfile": profile, "SsmManaged": false},
            {"InstanceId": "i-3", "IamInstanceProfile": profile, "SsmManaged": true}
        ]}}));
        assert_eq!(
            managed.running_as(&m, "EC2 instance managed by Systems Manager", 0),
            Some(vec!["EC2 instance i-3".to_owned()])
        );
        // A kind the inventory leaves out is unknown; an empty list is none.
        assert_eq!(managed.running_as(&m, "Lambda function", 0), None);
        let none =
            inventory(json!({"Inventory": {"LambdaFunctions": [], "CloudFormationStacks": [{"StackName": "s"}]}}));
        assert_eq!(none.running_as(&m, "Lambda function", 0), Some(Vec::new()));
        // A stack with no service role runs as its caller, not as Web.
        assert_eq!(none.running_as(&m, "CloudFormation stack", 0), Some(Vec::new()));
    }

    #[test]
    fn a_workspace_file_keeps_its_inventory_through_load_and_export() {
        let mut account: serde_json::Value = serde_json::from_str(&crate::io::export::export_to_string(
            model().account(),
            crate::io::ExportFormat::Workspace,
        ))
        .unwrap();
        let inventory = json!({
            "LambdaFunctions": [{"FunctionName": "f", "Role": "arn:aws:iam::111122223333:role/Web", "Region": "eu-west-1"}],
            "Ec2Instances": [{"InstanceId": "i-1", "IamInstanceProfile": {"Arn": "arn:aws:iam::111122223333:instance-profile/WebProfile"}, "State": {"Name": "running"}}],
            "NotListed": [{"List": "GlueDevEndpoints", "Region": "eu-west-1", "Reason": "denied"}]
        });
        account["Inventory"] = inventory.clone();
        let loaded = crate::io::load_bytes("w.json", account.to_string().as_bytes()).unwrap();
        let m = loaded.model;
        let read = m.account().inventory.as_ref().expect("read from the workspace");
        assert_eq!(
            read.running_as(&m, "Lambda function", 0),
            Some(vec!["Lambda function f".to_owned()])
        );
        // A list the collection could not read is not known, not empty.
        assert_eq!(read.running_as(&m, "Glue development endpoint", 0), None);
        // What the file had beyond what is read (Region, State) is written back.
        let again: serde_json::Value = serde_json::from_str(&crate::io::export::export_to_string(
            m.account(),
            crate::io::ExportFormat::Workspace,
        ))
        .unwrap();
        assert_eq!(again["Inventory"], inventory);
        // A GAAD export has no such key.
        let gaad: serde_json::Value = serde_json::from_str(&crate::io::export::export_to_string(
            m.account(),
            crate::io::ExportFormat::Gaad,
        ))
        .unwrap();
        assert!(gaad.get("Inventory").is_none());
    }
}
