//! A change as AWS would be asked to make it: the API calls, in AWS's own
//! names (service, operation, parameters), and notes for what has no call.
//! `crate::io::script` writes them as `aws …` command lines.

/// One step of making a change in the real account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsStep {
    /// A call to an AWS API.
    Call(AwsCall),
    /// What the person making the change must know or do by hand.
    Note(String),
}

/// One API call: `iam` `CreateUser` with `UserName` and `Path`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsCall {
    /// The service's API name (`iam`, `s3`, `sqs`, `organizations`).
    pub service: &'static str,
    /// The operation as the API reference names it (`AttachUserPolicy`).
    pub operation: String,
    /// Parameters in order, by their API names (`PolicyArn`).
    pub parameters: Vec<(String, String)>,
    /// Boolean parameters that are set (`SetAsDefault`).
    pub flags: Vec<String>,
}

impl AwsStep {
    pub fn call(service: &'static str, operation: &str, parameters: &[(&str, &str)], flags: &[&str]) -> AwsStep {
        AwsStep::Call(AwsCall {
            service,
            operation: operation.to_owned(),
            parameters: parameters
                .iter()
                .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
                .collect(),
            flags: flags.iter().map(|f| (*f).to_owned()).collect(),
        })
    }
}
