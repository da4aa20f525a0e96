'use strict';
/**
 * Synthetic ARM templates for the benchmark: an APIM service (Developer, External VNet mode)
 * with its VNet, APIM subnet and NSG (the rules the service needs), followed by as many
 * unrelated resources (storage accounts, App Service plans and sites, key vaults, public IPs,
 * other VNets with their own NSGs) as it takes to reach the requested size. The filler uses the
 * expressions real templates use (parameters(), variables(), resourceId(), concat(), format()),
 * so the analyzer has real work to do. `apim: false` leaves the APIM service out (the "JSON file
 * with no APIM service" case). Deterministic: the same arguments give the same text.
 */

function apimCore() {
  return [
    {
      type: 'Microsoft.Network/networkSecurityGroups',
      apiVersion: '2023-04-01',
      name: "[variables('nsgName')]",
      location: "[parameters('location')]",
      properties: {
        securityRules: [
          rule('AllowClientHttps', 100, 'Inbound', 'Internet', 'VirtualNetwork', '443'),
          rule('AllowApimManagement', 110, 'Inbound', 'ApiManagement', 'VirtualNetwork', '3443'),
          rule('AllowAzureLoadBalancer', 120, 'Inbound', 'AzureLoadBalancer', 'VirtualNetwork', '6390'),
          rule('AllowStorage', 100, 'Outbound', 'VirtualNetwork', 'Storage', '443'),
          rule('AllowSql', 110, 'Outbound', 'VirtualNetwork', 'Sql', '1433'),
          rule('AllowKeyVault', 120, 'Outbound', 'VirtualNetwork', 'AzureKeyVault', '443'),
          rule('AllowMonitor', 130, 'Outbound', 'VirtualNetwork', 'AzureMonitor', '1886'),
        ],
      },
    },
    {
      type: 'Microsoft.Network/virtualNetworks',
      apiVersion: '2023-04-01',
      name: "[variables('vnetName')]",
      location: "[parameters('location')]",
      dependsOn: ["[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]"],
      properties: {
        addressSpace: { addressPrefixes: ['10.0.0.0/16'] },
        subnets: [
          {
            name: 'apim',
            properties: {
              addressPrefix: '10.0.0.0/24',
              networkSecurityGroup: { id: "[resourceId('Microsoft.Network/networkSecurityGroups', variables('nsgName'))]" },
            },
          },
          { name: 'workload', properties: { addressPrefix: '10.0.1.0/24' } },
        ],
      },
    },
    {
      type: 'Microsoft.ApiManagement/service',
      apiVersion: '2022-08-01',
      name: "[parameters('apimName')]",
      location: "[parameters('location')]",
      sku: { name: 'Developer', capacity: 1 },
      dependsOn: ["[resourceId('Microsoft.Network/virtualNetworks', variables('vnetName'))]"],
      properties: {
        publisherEmail: 'admin@contoso.com',
        publisherName: 'Contoso',
        virtualNetworkType: 'External',
        virtualNetworkConfiguration: {
          subnetResourceId: "[resourceId('Microsoft.Network/virtualNetworks/subnets', variables('vnetName'), 'apim')]",
        },
      },
    },
  ];
}

function rule(name, priority, direction, src, dst, port) {
  return {
    name,
    properties: {
      priority,
      direction,
      access: 'Allow',
      protocol: 'Tcp',
      sourceAddressPrefix: src,
      sourcePortRange: '*',
      destinationAddressPrefix: dst,
      destinationPortRange: port,
    },
  };
}

/** The i-th unrelated resource (a small group cycling through common types). */
function filler(i) {
  const tags = { environment: "[parameters('environment')]", costCenter: `cc-${i % 97}`, owner: 'platform-team' };
  switch (i % 6) {
    case 0:
      return {
        type: 'Microsoft.Storage/storageAccounts',
        apiVersion: '2023-01-01',
        name: `[format('st{0}{1}', uniqueString(resourceGroup().id), '${i}')]`,
        location: "[parameters('location')]",
        tags,
        sku: { name: 'Standard_LRS' },
        kind: 'StorageV2',
        properties: { minimumTlsVersion: 'TLS1_2', supportsHttpsTrafficOnly: true, allowBlobPublicAccess: false, networkAcls: { defaultAction: 'Deny', bypass: 'AzureServices' } },
      };
    case 1:
      return {
        type: 'Microsoft.Web/serverfarms',
        apiVersion: '2022-09-01',
        name: `[concat('plan-', parameters('environment'), '-${i}')]`,
        location: "[parameters('location')]",
        tags,
        sku: { name: 'P1v3', tier: 'PremiumV3', capacity: 1 },
        properties: { reserved: true },
      };
    case 2:
      return {
        type: 'Microsoft.Web/sites',
        apiVersion: '2022-09-01',
        name: `[concat('app-', parameters('environment'), '-${i}')]`,
        location: "[parameters('location')]",
        tags,
        dependsOn: [`[resourceId('Microsoft.Web/serverfarms', concat('plan-', parameters('environment'), '-${i - 1}'))]`],
        properties: {
          serverFarmId: `[resourceId('Microsoft.Web/serverfarms', concat('plan-', parameters('environment'), '-${i - 1}'))]`,
          httpsOnly: true,
          siteConfig: {
            linuxFxVersion: 'DOTNETCORE|8.0',
            minTlsVersion: '1.2',
            appSettings: [
              { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: "[parameters('appInsightsConnectionString')]" },
              { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '1' },
              { name: 'INDEX', value: `${i}` },
            ],
          },
        },
      };
    case 3:
      return {
        type: 'Microsoft.KeyVault/vaults',
        apiVersion: '2023-02-01',
        name: `[format('kv-{0}-${i}', take(uniqueString(resourceGroup().id), 8))]`,
        location: "[parameters('location')]",
        tags,
        properties: {
          tenantId: '[subscription().tenantId]',
          sku: { family: 'A', name: 'standard' },
          enableRbacAuthorization: true,
          enableSoftDelete: true,
          softDeleteRetentionInDays: 90,
        },
      };
    case 4:
      return {
        type: 'Microsoft.Network/publicIPAddresses',
        apiVersion: '2023-04-01',
        name: `[concat('pip-', parameters('environment'), '-${i}')]`,
        location: "[parameters('location')]",
        tags,
        sku: { name: 'Standard', tier: 'Regional' },
        properties: { publicIPAllocationMethod: 'Static', dnsSettings: { domainNameLabel: `[concat('app', uniqueString(resourceGroup().id), '${i}')]` } },
      };
    default: {
      const octet = i % 250;
      return {
        type: 'Microsoft.Network/virtualNetworks',
        apiVersion: '2023-04-01',
        name: `[concat('vnet-spoke-', '${i}')]`,
        location: "[parameters('location')]",
        tags,
        properties: {
          addressSpace: { addressPrefixes: [`10.${octet}.0.0/16`] },
          subnets: [
            { name: 'default', properties: { addressPrefix: `10.${octet}.0.0/24` } },
            { name: 'private-endpoints', properties: { addressPrefix: `10.${octet}.1.0/24`, privateEndpointNetworkPolicies: 'Disabled' } },
          ],
        },
      };
    }
  }
}

/**
 * A template of about `bytes` characters (pretty-printed with 2 spaces, as generated templates
 * usually are). Options: apim (default true).
 */
function generateTemplate(bytes, options = {}) {
  const apim = options.apim !== false;
  const head = {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: {
      location: { type: 'string', defaultValue: '[resourceGroup().location]' },
      environment: { type: 'string', defaultValue: 'dev', allowedValues: ['dev', 'test', 'prod'] },
      apimName: { type: 'string', defaultValue: "[concat('apim-', uniqueString(resourceGroup().id))]" },
      appInsightsConnectionString: { type: 'securestring', defaultValue: '' },
    },
    variables: { vnetName: 'vnet-apim', nsgName: 'nsg-apim' },
    resources: apim ? apimCore() : [],
  };
  const base = JSON.stringify(head, null, 2);
  const parts = [];
  let size = base.length;
  for (let i = 0; size < bytes; i++) {
    const s = JSON.stringify(filler(i), null, 2).replace(/\n/g, '\n    ');
    parts.push(s);
    size += s.length + 6;
  }
  if (parts.length === 0) return base;
  // splice the filler into the resources array
  const idx = base.lastIndexOf(']');
  const before = base.slice(0, idx).replace(/\s*$/, '');
  const sep = head.resources.length ? ',\n    ' : '\n    ';
  return before + sep + parts.join(',\n    ') + '\n  ' + base.slice(idx);
}

module.exports = { generateTemplate };

if (require.main === module) {
  const bytes = Number(process.argv[2] || 100000);
  process.stdout.write(generateTemplate(bytes, { apim: process.argv[3] !== 'noapim' }));
}
