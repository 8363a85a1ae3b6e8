<#
.SYNOPSIS
    Exports a Microsoft 365 tenant's users, groups (with members) and subscribed SKUs
    as the JSON file that `skuld eval --tenant FILE.json` reads.

.DESCRIPTION
    Writes one JSON object (docs/graph.md; the contract is CLI.md, "Tenant data from
    Microsoft Graph"):

        {"users": [...], "groups": [...], "subscribedSkus": [...]}

    in Microsoft Graph v1.0 shapes:
      users[]          id, userPrincipalName, usageLocation, proxyAddresses,
                       licenseAssignmentStates (assignedByGroup, disabledPlans, error,
                       lastUpdatedDateTime, skuId, state)
      groups[]         id, displayName, assignedLicenses (skuId, disabledPlans),
                       members ([{"@odata.type": "#microsoft.graph.user", "id": ...}])
      subscribedSkus[] skuId, skuPartNumber, appliesTo, capabilityStatus,
                       consumedUnits, prepaidUnits (enabled, lockedOut, suspended,
                       warning)

    Read-only: it only reads the directory. Needs the Microsoft Graph PowerShell SDK
    (Install-Module Microsoft.Graph -Scope CurrentUser; the Users, Groups and
    Identity.DirectoryManagement modules are used) and an account that may consent to
    User.Read.All, Group.Read.All and Organization.Read.All.

    Members are read per group with Get-MgGroupMember -All, not with
    `Get-MgGroup -ExpandProperty members`: Microsoft Graph returns at most 20 objects
    for $expand on directory objects and gives no @odata.nextLink for them ("Known
    issues with Microsoft Graph", "Some limitations apply to query parameters"), so
    an expanded export silently cuts larger groups short. The JSON keeps the
    $expand=members shape that skuld reads. Members come in the order Graph returns
    them; skuld takes it as the processing order within a group (the real service's
    order is not documented).

    Every group is exported, licensed or not, because a licensed group may have
    other groups as members and skuld must find them (nested groups get nothing, but
    an unknown member id is an error).

.PARAMETER Path
    Where to write the JSON (default: tenant.json in the current directory). The file
    is UTF-8 without a byte-order mark.

.PARAMETER TenantId
    Optional: the tenant to sign in to (Connect-MgGraph -TenantId).

.EXAMPLE
    ./tools/export-tenant.ps1 -Path contoso.json
    skuld eval rules/ --tenant contoso.json
#>
[CmdletBinding()]
param(
    [string] $Path = 'tenant.json',
    [string] $TenantId
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Windows PowerShell 5.1: some modules extend System.Array with type data, and then
# ConvertTo-Json writes arrays as {"value": [...], "Count": n}. Dropping that type
# data keeps plain JSON arrays (PowerShell 7 does not have the problem).
if ($PSVersionTable.PSVersion.Major -lt 6) {
    Remove-TypeData -TypeName System.Array -ErrorAction SilentlyContinue
}

# A list of strings as a JSON array, never $null: an absent list is [].
function ConvertTo-StringArray($Values) {
    $list = New-Object System.Collections.Generic.List[string]
    if ($null -ne $Values) {
        foreach ($v in $Values) { if ($null -ne $v) { $list.Add([string]$v) } }
    }
    return , $list.ToArray()
}

$connect = @{ Scopes = @('User.Read.All', 'Group.Read.All', 'Organization.Read.All') }
if ($TenantId) { $connect.TenantId = $TenantId }
Connect-MgGraph @connect | Out-Null

# ---- users --------------------------------------------------------------------------
# licenseAssignmentStates is only returned when selected. A state with assignedByGroup
# null is a direct licence; one with a group id is inherited from that group.
Write-Host 'Reading users...'
$users = @(
    foreach ($u in Get-MgUser -All -Property 'id,userPrincipalName,usageLocation,proxyAddresses,licenseAssignmentStates') {
        $states = @(
            foreach ($s in @($u.LicenseAssignmentStates)) {
                if ($null -eq $s) { continue }
                [ordered]@{
                    assignedByGroup     = if ($s.AssignedByGroup) { [string]$s.AssignedByGroup } else { $null }
                    disabledPlans       = ConvertTo-StringArray $s.DisabledPlans
                    error               = if ($s.Error) { [string]$s.Error } else { $null }
                    lastUpdatedDateTime = if ($s.LastUpdatedDateTime) { ([datetime]$s.LastUpdatedDateTime).ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ') } else { $null }
                    skuId               = [string]$s.SkuId
                    state               = if ($s.State) { [string]$s.State } else { $null }
                }
            }
        )
        [ordered]@{
            id                      = [string]$u.Id
            userPrincipalName       = [string]$u.UserPrincipalName
            # null (not "") when the user has no usage location of their own
            usageLocation           = if ($u.UsageLocation) { [string]$u.UsageLocation } else { $null }
            proxyAddresses          = ConvertTo-StringArray $u.ProxyAddresses
            licenseAssignmentStates = $states
        }
    }
)
Write-Host ("  {0} users" -f $users.Count)

# ---- groups and their direct members ------------------------------------------------
# assignedLicenses is only returned when selected. skuld does not use it for eval (the
# rules say what groups assign); `skuld import groups FILE.json` turns it into group
# blocks.
Write-Host 'Reading groups and members...'
$allGroups = @(Get-MgGroup -All -Property 'id,displayName,assignedLicenses')
$groups = @(
    for ($i = 0; $i -lt $allGroups.Count; $i++) {
        $g = $allGroups[$i]
        Write-Progress -Activity 'Reading group members' -Status $g.DisplayName -PercentComplete (100 * $i / [math]::Max(1, $allGroups.Count))
        $members = @(
            foreach ($m in Get-MgGroupMember -GroupId $g.Id -All) {
                # users, groups, devices, service principals, contacts; skuld uses the
                # first two and ignores the rest with a warning
                [ordered]@{
                    '@odata.type' = [string]$m.AdditionalProperties['@odata.type']
                    id            = [string]$m.Id
                }
            }
        )
        $licences = @(
            foreach ($l in @($g.AssignedLicenses)) {
                if ($null -eq $l) { continue }
                [ordered]@{
                    skuId         = [string]$l.SkuId
                    disabledPlans = ConvertTo-StringArray $l.DisabledPlans
                }
            }
        )
        [ordered]@{
            id               = [string]$g.Id
            displayName      = [string]$g.DisplayName
            assignedLicenses = $licences
            members          = $members
        }
    }
)
Write-Progress -Activity 'Reading group members' -Completed
Write-Host ("  {0} groups" -f $groups.Count)

# ---- subscribed SKUs -------------------------------------------------------------------
# prepaidUnits.enabled is the seat count skuld uses (unless the rules set seats);
# consumedUnits is informative.
Write-Host 'Reading subscribed SKUs...'
$skus = @(
    foreach ($s in Get-MgSubscribedSku -All) {
        [ordered]@{
            skuId            = [string]$s.SkuId
            skuPartNumber    = [string]$s.SkuPartNumber
            appliesTo        = [string]$s.AppliesTo
            capabilityStatus = [string]$s.CapabilityStatus
            consumedUnits    = [int]$s.ConsumedUnits
            prepaidUnits     = [ordered]@{
                enabled   = [int]$s.PrepaidUnits.Enabled
                lockedOut = [int]$s.PrepaidUnits.LockedOut
                suspended = [int]$s.PrepaidUnits.Suspended
                warning   = [int]$s.PrepaidUnits.Warning
            }
        }
    }
)
Write-Host ("  {0} subscribed SKUs" -f $skus.Count)

# ---- write --------------------------------------------------------------------------
$export = [ordered]@{
    users          = $users
    groups         = $groups
    subscribedSkus = $skus
}
$json = ConvertTo-Json -InputObject $export -Depth 8
# UTF-8 without a byte-order mark (Windows PowerShell's Set-Content -Encoding UTF8
# would write one).
$full = $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
[System.IO.File]::WriteAllText($full, $json + "`n", (New-Object System.Text.UTF8Encoding($false)))
Write-Host "Wrote $full"
Write-Host "Next: skuld eval RULES... --tenant $Path"
