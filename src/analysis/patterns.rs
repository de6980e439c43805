//! The published privilege-escalation patterns, as data: what each needs
//! (actions, and on which resource), what it targets, and what the attacker
//! gains. Sources: BishopFox iam-vulnerable's `privesc1`…`privesc21` and its
//! later paths, and Rhino Security Labs' list of AWS IAM privilege-escalation
//! methods (numbers differ after 15: Rhino inserts a cross-account Lambda
//! method as its 16). Every permission is checked by the engine; see
//! [`super::escalation`].

/// Where a required permission is asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On {
    /// The pattern's target: the user, group, role or managed policy it
    /// acts on (`iam:PassRole` is asked with `iam:PassedToService`).
    Target,
    /// Any resource the action acts on: `*`, all of the type, or one the
    /// principal's policies name.
    Any,
}

/// One required permission: one of these actions (alternatives), on `on`.
#[derive(Debug, Clone, Copy)]
pub struct Need {
    pub any_of: &'static [&'static str],
    pub on: On,
}

/// Whether a user must have, or lack, a console password for the pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Login {
    /// `CreateLoginProfile` fails for a user who already has a password.
    NoPassword,
    /// `UpdateLoginProfile` needs an existing password.
    HasPassword,
    Either,
}

/// What a pattern acts on, and so how its gain is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A customer managed policy that applies to the attacker: a new default
    /// version with any content. (AWS managed policies cannot be changed.)
    OwnPolicyNewVersion,
    /// A customer managed policy that applies to the attacker: another of its
    /// stored versions becomes the default.
    OwnPolicyOtherVersion,
    /// The attacker, a user: a policy added to it (`attach`: a managed one,
    /// so the request carries `iam:PolicyARN`).
    SelfUser { attach: bool },
    /// A group the attacker (a user) is in: a policy added to it.
    OwnGroup { attach: bool },
    /// The attacker's own role, or a role it can reach by assuming roles: a
    /// policy added to it. Service-linked roles cannot be changed.
    ReachableRole { attach: bool },
    /// A group the attacker (a user) is not in: it joins.
    GroupToJoin,
    /// Another user who is an administrator: the attacker gets its credentials.
    AdminUser { login: Login },
    /// A role that is an administrator: its trust policy is rewritten to
    /// trust the attacker, which then assumes it.
    AdminRoleTrust,
    /// A role that is an administrator and that `service` can assume: the
    /// attacker passes it to a new resource of the service and runs code
    /// there. `instance_profile`: the role must be in an instance profile,
    /// or the attacker must put it in one.
    PassRoleTo {
        service: &'static str,
        instance_profile: bool,
    },
    /// A role that is an administrator and that `service` can assume, used
    /// by an existing `resource` the attacker can change or log in to. The
    /// IAM export does not list such resources, so one is assumed to exist.
    ExistingResourceRole {
        service: &'static str,
        instance_profile: bool,
        resource: &'static str,
    },
    /// A role that is an administrator, reached by assuming roles (directly
    /// or through other roles and services).
    AssumeRoleChain,
}

#[derive(Debug, Clone, Copy)]
pub struct Pattern {
    /// Stable identifier, e.g. `create-policy-version`.
    pub id: &'static str,
    pub name: &'static str,
    /// Where the path is published.
    pub known_as: &'static str,
    pub target: Target,
    pub needs: &'static [Need],
    /// What the attacker gains.
    pub gain: &'static str,
}

const fn on_target(action: &'static [&'static str]) -> Need {
    Need {
        any_of: action,
        on: On::Target,
    }
}

const fn on_any(action: &'static [&'static str]) -> Need {
    Need {
        any_of: action,
        on: On::Any,
    }
}

const PASS_ROLE: Need = on_target(&["iam:PassRole"]);

/// Every pattern iamscope looks for, in the order the sources list them.
pub const PATTERNS: &[Pattern] = &[
    Pattern {
        id: "create-policy-version",
        name: "Create a new version of a managed policy",
        known_as: "iam-vulnerable privesc1; Rhino 1",
        target: Target::OwnPolicyNewVersion,
        needs: &[on_target(&["iam:CreatePolicyVersion"])],
        gain: "rewrites a customer managed policy that applies to it (a new version can be made the default at once) and so grants itself anything",
    },
    Pattern {
        id: "set-default-policy-version",
        name: "Make another stored version of a managed policy the default",
        known_as: "iam-vulnerable privesc2; Rhino 2",
        target: Target::OwnPolicyOtherVersion,
        needs: &[on_target(&["iam:SetDefaultPolicyVersion"])],
        gain: "activates a more permissive stored version of a policy that applies to it",
    },
    Pattern {
        id: "passrole-ec2",
        name: "Pass a role to a new EC2 instance",
        known_as: "iam-vulnerable privesc3; Rhino 3",
        target: Target::PassRoleTo {
            service: "ec2.amazonaws.com",
            instance_profile: true,
        },
        needs: &[PASS_ROLE, on_any(&["ec2:RunInstances"])],
        gain: "launches an instance with the role's instance profile and takes the role's credentials from the instance metadata service",
    },
    Pattern {
        id: "create-access-key",
        name: "Create an access key for another user",
        known_as: "iam-vulnerable privesc4; Rhino 4",
        target: Target::AdminUser { login: Login::Either },
        needs: &[on_target(&["iam:CreateAccessKey"])],
        gain: "acts as that user with the new key",
    },
    Pattern {
        id: "create-login-profile",
        name: "Create a console password for another user",
        known_as: "iam-vulnerable privesc5; Rhino 5",
        target: Target::AdminUser {
            login: Login::NoPassword,
        },
        needs: &[on_target(&["iam:CreateLoginProfile"])],
        gain: "signs in to the console as that user",
    },
    Pattern {
        id: "update-login-profile",
        name: "Change another user's console password",
        known_as: "iam-vulnerable privesc6; Rhino 6",
        target: Target::AdminUser {
            login: Login::HasPassword,
        },
        needs: &[on_target(&["iam:UpdateLoginProfile"])],
        gain: "signs in to the console as that user",
    },
    Pattern {
        id: "attach-user-policy",
        name: "Attach a managed policy to itself",
        known_as: "iam-vulnerable privesc7; Rhino 7",
        target: Target::SelfUser { attach: true },
        needs: &[on_target(&["iam:AttachUserPolicy"])],
        gain: "attaches AdministratorAccess to itself",
    },
    Pattern {
        id: "attach-group-policy",
        name: "Attach a managed policy to its own group",
        known_as: "iam-vulnerable privesc8; Rhino 8",
        target: Target::OwnGroup { attach: true },
        needs: &[on_target(&["iam:AttachGroupPolicy"])],
        gain: "attaches AdministratorAccess to a group it is in",
    },
    Pattern {
        id: "attach-role-policy",
        name: "Attach a managed policy to a role it uses",
        known_as: "iam-vulnerable privesc9; Rhino 9",
        target: Target::ReachableRole { attach: true },
        needs: &[on_target(&["iam:AttachRolePolicy"])],
        gain: "attaches AdministratorAccess to a role it is or can assume",
    },
    Pattern {
        id: "put-user-policy",
        name: "Put an inline policy on itself",
        known_as: "iam-vulnerable privesc10; Rhino 10",
        target: Target::SelfUser { attach: false },
        needs: &[on_target(&["iam:PutUserPolicy"])],
        gain: "writes an inline policy allowing everything on itself",
    },
    Pattern {
        id: "put-group-policy",
        name: "Put an inline policy on its own group",
        known_as: "iam-vulnerable privesc11; Rhino 11",
        target: Target::OwnGroup { attach: false },
        needs: &[on_target(&["iam:PutGroupPolicy"])],
        gain: "writes an inline policy allowing everything on a group it is in",
    },
    Pattern {
        id: "put-role-policy",
        name: "Put an inline policy on a role it uses",
        known_as: "iam-vulnerable privesc12; Rhino 12",
        target: Target::ReachableRole { attach: false },
        needs: &[on_target(&["iam:PutRolePolicy"])],
        gain: "writes an inline policy allowing everything on a role it is or can assume",
    },
    Pattern {
        id: "add-user-to-group",
        name: "Add itself to a group",
        known_as: "iam-vulnerable privesc13; Rhino 13",
        target: Target::GroupToJoin,
        needs: &[on_target(&["iam:AddUserToGroup"])],
        gain: "joins a group whose policies make it an administrator",
    },
    Pattern {
        id: "update-assume-role-policy",
        name: "Rewrite a role's trust policy, then assume the role",
        known_as: "iam-vulnerable privesc14; Rhino 14",
        target: Target::AdminRoleTrust,
        needs: &[on_target(&["iam:UpdateAssumeRolePolicy"])],
        gain: "makes the role trust it by name (no identity-policy permission is then needed in the same account) and assumes it",
    },
    Pattern {
        id: "passrole-lambda-invoke",
        name: "Pass a role to a new Lambda function and invoke it",
        known_as: "iam-vulnerable privesc15; Rhino 15",
        target: Target::PassRoleTo {
            service: "lambda.amazonaws.com",
            instance_profile: false,
        },
        needs: &[
            PASS_ROLE,
            on_any(&["lambda:CreateFunction"]),
            on_any(&["lambda:InvokeFunction"]),
        ],
        gain: "runs its own code as the role",
    },
    Pattern {
        id: "passrole-lambda-add-permission",
        name: "Pass a role to a new Lambda function and let another account invoke it",
        known_as: "Rhino 16",
        target: Target::PassRoleTo {
            service: "lambda.amazonaws.com",
            instance_profile: false,
        },
        needs: &[
            PASS_ROLE,
            on_any(&["lambda:CreateFunction"]),
            on_any(&["lambda:AddPermission"]),
        ],
        gain: "runs its own code as the role, invoked from an account it controls",
    },
    Pattern {
        id: "passrole-lambda-event-source",
        name: "Pass a role to a new Lambda function triggered by an event source",
        known_as: "iam-vulnerable privesc16; Rhino 17",
        target: Target::PassRoleTo {
            service: "lambda.amazonaws.com",
            instance_profile: false,
        },
        needs: &[
            PASS_ROLE,
            on_any(&["lambda:CreateFunction"]),
            on_any(&["lambda:CreateEventSourceMapping"]),
        ],
        gain: "runs its own code as the role when the event source (e.g. a DynamoDB stream) fires",
    },
    Pattern {
        id: "lambda-update-function-code",
        name: "Replace the code of an existing Lambda function",
        known_as: "iam-vulnerable privesc17; Rhino 18",
        target: Target::ExistingResourceRole {
            service: "lambda.amazonaws.com",
            instance_profile: false,
            resource: "Lambda function",
        },
        needs: &[on_any(&["lambda:UpdateFunctionCode"])],
        gain: "runs its own code as the function's execution role",
    },
    Pattern {
        id: "lambda-update-function-configuration",
        name: "Add a layer to an existing Lambda function",
        known_as: "Rhino 26",
        target: Target::ExistingResourceRole {
            service: "lambda.amazonaws.com",
            instance_profile: false,
            resource: "Lambda function",
        },
        needs: &[on_any(&["lambda:UpdateFunctionConfiguration"])],
        gain: "runs a layer's code as the function's execution role",
    },
    Pattern {
        id: "passrole-glue-dev-endpoint",
        name: "Pass a role to a new Glue development endpoint",
        known_as: "iam-vulnerable privesc18; Rhino 19",
        target: Target::PassRoleTo {
            service: "glue.amazonaws.com",
            instance_profile: false,
        },
        needs: &[PASS_ROLE, on_any(&["glue:CreateDevEndpoint"])],
        gain: "logs in to the endpoint over SSH and uses the role's credentials",
    },
    Pattern {
        id: "glue-update-dev-endpoint",
        name: "Change the SSH key of an existing Glue development endpoint",
        known_as: "iam-vulnerable privesc19; Rhino 20",
        target: Target::ExistingResourceRole {
            service: "glue.amazonaws.com",
            instance_profile: false,
            resource: "Glue development endpoint",
        },
        needs: &[on_any(&["glue:UpdateDevEndpoint"])],
        gain: "logs in to the endpoint over SSH and uses its role's credentials",
    },
    Pattern {
        id: "passrole-cloudformation",
        name: "Pass a role to a new CloudFormation stack",
        known_as: "iam-vulnerable privesc20; Rhino 21",
        target: Target::PassRoleTo {
            service: "cloudformation.amazonaws.com",
            instance_profile: false,
        },
        needs: &[PASS_ROLE, on_any(&["cloudformation:CreateStack"])],
        gain: "has CloudFormation create any resource with the role's permissions",
    },
    Pattern {
        id: "passrole-datapipeline",
        name: "Pass a role to a new Data Pipeline",
        known_as: "iam-vulnerable privesc21; Rhino 22",
        target: Target::PassRoleTo {
            service: "datapipeline.amazonaws.com",
            instance_profile: false,
        },
        needs: &[
            PASS_ROLE,
            on_any(&["datapipeline:CreatePipeline"]),
            on_any(&["datapipeline:PutPipelineDefinition"]),
            on_any(&["datapipeline:ActivatePipeline"]),
        ],
        gain: "has the pipeline run its commands with the role's permissions",
    },
    Pattern {
        id: "passrole-sagemaker-notebook",
        name: "Pass a role to a new SageMaker notebook instance",
        known_as: "iam-vulnerable privesc-sageMakerCreateNotebookPassRole; Rhino 27/28",
        target: Target::PassRoleTo {
            service: "sagemaker.amazonaws.com",
            instance_profile: false,
        },
        needs: &[
            PASS_ROLE,
            on_any(&["sagemaker:CreateNotebookInstance"]),
            on_any(&["sagemaker:CreatePresignedNotebookInstanceUrl"]),
        ],
        gain: "opens the notebook and uses the role's credentials from it",
    },
    Pattern {
        id: "sagemaker-presigned-notebook-url",
        name: "Open an existing SageMaker notebook instance",
        known_as: "iam-vulnerable privesc-sageMakerCreatePresignedNotebookURL; Rhino 27/28",
        target: Target::ExistingResourceRole {
            service: "sagemaker.amazonaws.com",
            instance_profile: false,
            resource: "SageMaker notebook instance",
        },
        needs: &[on_any(&["sagemaker:CreatePresignedNotebookInstanceUrl"])],
        gain: "opens the notebook and uses its role's credentials",
    },
    Pattern {
        id: "passrole-sagemaker-training-job",
        name: "Pass a role to a new SageMaker training job",
        known_as: "iam-vulnerable privesc-sageMakerCreateTrainingJobPassRole",
        target: Target::PassRoleTo {
            service: "sagemaker.amazonaws.com",
            instance_profile: false,
        },
        needs: &[PASS_ROLE, on_any(&["sagemaker:CreateTrainingJob"])],
        gain: "runs its own container as the role",
    },
    Pattern {
        id: "passrole-sagemaker-processing-job",
        name: "Pass a role to a new SageMaker processing job",
        known_as: "iam-vulnerable privesc-sageMakerCreateProcessingJobPassRole",
        target: Target::PassRoleTo {
            service: "sagemaker.amazonaws.com",
            instance_profile: false,
        },
        needs: &[PASS_ROLE, on_any(&["sagemaker:CreateProcessingJob"])],
        gain: "runs its own container as the role",
    },
    Pattern {
        id: "passrole-codebuild",
        name: "Pass a role to a new CodeBuild project and start a build",
        known_as: "iam-vulnerable privesc-codeBuildCreateProjectPassRole",
        target: Target::PassRoleTo {
            service: "codebuild.amazonaws.com",
            instance_profile: false,
        },
        needs: &[
            PASS_ROLE,
            on_any(&["codebuild:CreateProject"]),
            on_any(&["codebuild:StartBuild", "codebuild:StartBuildBatch"]),
        ],
        gain: "runs its own build commands as the role",
    },
    Pattern {
        id: "cloudformation-update-stack",
        name: "Update an existing CloudFormation stack that uses a service role",
        known_as: "iam-vulnerable privesc-CloudFormationUpdateStack",
        target: Target::ExistingResourceRole {
            service: "cloudformation.amazonaws.com",
            instance_profile: false,
            resource: "CloudFormation stack",
        },
        needs: &[on_any(&["cloudformation:UpdateStack"])],
        gain: "has CloudFormation change resources with the stack's service role",
    },
    Pattern {
        id: "ec2-instance-connect",
        name: "Push an SSH key to an existing EC2 instance",
        known_as: "iam-vulnerable privesc-ec2InstanceConnect",
        target: Target::ExistingResourceRole {
            service: "ec2.amazonaws.com",
            instance_profile: true,
            resource: "EC2 instance",
        },
        needs: &[on_any(&[
            "ec2-instance-connect:SendSSHPublicKey",
            "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
        ])],
        gain: "logs in to the instance and uses its role's credentials",
    },
    Pattern {
        id: "ssm-send-command",
        name: "Run a command on an existing EC2 instance through Systems Manager",
        known_as: "iam-vulnerable privesc-ssmSendCommand",
        target: Target::ExistingResourceRole {
            service: "ec2.amazonaws.com",
            instance_profile: true,
            resource: "EC2 instance managed by Systems Manager",
        },
        needs: &[on_any(&["ssm:SendCommand"])],
        gain: "runs commands on the instance and uses its role's credentials",
    },
    Pattern {
        id: "ssm-start-session",
        name: "Open a shell on an existing EC2 instance through Systems Manager",
        known_as: "iam-vulnerable privesc-ssmStartSession",
        target: Target::ExistingResourceRole {
            service: "ec2.amazonaws.com",
            instance_profile: true,
            resource: "EC2 instance managed by Systems Manager",
        },
        needs: &[on_any(&["ssm:StartSession"])],
        gain: "opens a shell on the instance and uses its role's credentials",
    },
    Pattern {
        id: "assume-role-chain",
        name: "Assume an administrator role, directly or through other roles",
        known_as: "iam-vulnerable privesc-AssumeRole, privesc-sre",
        target: Target::AssumeRoleChain,
        needs: &[],
        gain: "gets the role's permissions",
    },
];

/// A pattern by its id.
/// What a change that makes another principal an administrator acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantTarget {
    /// Another user: a policy added to it.
    User,
    /// A group with members other than the attacker: a policy added to it.
    Group,
    /// A role other than the attacker's own: a policy added to it.
    Role,
    /// A customer managed policy attached to other principals: a new
    /// default version allowing everything.
    Policy,
}

/// A change that makes *another* principal an administrator: the same
/// permissions as the self-escalation patterns, used on someone else.
#[derive(Debug, Clone, Copy)]
pub struct Grant {
    /// Stable identifier, e.g. `attach-user-policy`.
    pub id: &'static str,
    pub name: &'static str,
    pub action: &'static str,
    pub target: GrantTarget,
    /// A managed policy is attached, so the request carries `iam:PolicyARN`.
    pub attach: bool,
}

/// Every change looked for that makes another principal an administrator.
pub const GRANTS: &[Grant] = &[
    Grant {
        id: "attach-user-policy",
        name: "Attach AdministratorAccess to another user",
        action: "iam:AttachUserPolicy",
        target: GrantTarget::User,
        attach: true,
    },
    Grant {
        id: "put-user-policy",
        name: "Put an inline policy allowing everything on another user",
        action: "iam:PutUserPolicy",
        target: GrantTarget::User,
        attach: false,
    },
    Grant {
        id: "attach-group-policy",
        name: "Attach AdministratorAccess to a group of other users",
        action: "iam:AttachGroupPolicy",
        target: GrantTarget::Group,
        attach: true,
    },
    Grant {
        id: "put-group-policy",
        name: "Put an inline policy allowing everything on a group of other users",
        action: "iam:PutGroupPolicy",
        target: GrantTarget::Group,
        attach: false,
    },
    Grant {
        id: "attach-role-policy",
        name: "Attach AdministratorAccess to another role",
        action: "iam:AttachRolePolicy",
        target: GrantTarget::Role,
        attach: true,
    },
    Grant {
        id: "put-role-policy",
        name: "Put an inline policy allowing everything on another role",
        action: "iam:PutRolePolicy",
        target: GrantTarget::Role,
        attach: false,
    },
    Grant {
        id: "create-policy-version",
        name: "Create a new default version of a policy attached to other principals",
        action: "iam:CreatePolicyVersion",
        target: GrantTarget::Policy,
        attach: false,
    },
];

pub fn pattern(id: &str) -> Option<&'static Pattern> {
    PATTERNS.iter().find(|p| p.id == id)
}

/// The patterns that have a service run code as a passed role: each is a
/// "via service" hop for role reachability.
pub fn pass_role_patterns() -> impl Iterator<Item = &'static Pattern> {
    PATTERNS
        .iter()
        .filter(|p| matches!(p.target, Target::PassRoleTo { .. }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::catalog;

    #[test]
    fn every_action_a_pattern_needs_is_in_the_catalogue() {
        for p in PATTERNS {
            for need in p.needs {
                for action in need.any_of {
                    assert!(catalog().action(action).is_some(), "{}: {action}", p.id);
                }
            }
        }
    }

    #[test]
    fn ids_are_unique_and_every_pass_role_pattern_asks_for_pass_role_on_the_role() {
        let mut ids: Vec<&str> = PATTERNS.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), PATTERNS.len());
        for p in pass_role_patterns() {
            assert!(
                p.needs
                    .iter()
                    .any(|n| n.any_of == ["iam:PassRole"] && n.on == On::Target),
                "{}",
                p.id
            );
        }
        assert!(pattern("create-access-key").is_some());
    }
}
